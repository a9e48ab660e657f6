package dev.gradlab.cli;

import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.SavedModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFileTest {

    @TempDir
    Path dir;

    private static final Architecture SMALL = new Architecture(new int[] {6, 5, 4, 3}, Activation.REQU, true);

    private Path written(Architecture architecture, Sequential model) throws IOException {
        Path file = dir.resolve("w.bin");
        WeightsFile.write(file, architecture, model, Map.of("method", "backprop", "test_accuracy", "0.8010"));
        return file;
    }

    @Test
    void roundTripKeepsArchitectureHeaderAndEveryValue() throws IOException {
        Sequential model = SMALL.build(7);
        SavedModel back = WeightsFile.read(written(SMALL, model));

        assertEquals(SMALL, back.architecture());
        assertEquals(Map.of("method", "backprop", "test_accuracy", "0.8010"), back.info());
        assertSameParameters(model, back.model());
    }

    /** Every parameter tensor of {@code actual} has the shape and the values of {@code expected}'s. */
    static void assertSameParameters(Sequential expected, Sequential actual) {
        List<Tensor> e = expected.parameters();
        List<Tensor> a = actual.parameters();
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(e.get(i).shape(), a.get(i).shape());
            assertArrayEquals(e.get(i).data(), a.get(i).data(), "tensor " + i);
        }
    }

    @Test
    void layoutIsTheDocumentedOne() throws IOException {
        Architecture a = new Architecture(new int[] {3, 2}, Activation.SIGMOID, false);
        Sequential model = a.build(1);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(written(a, model)));
        byte[] magic = new byte[8];
        b.get(magic);
        assertEquals("GRADLABW", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt());
        byte[] header = new byte[b.getInt()];
        b.get(header);
        assertTrue(new String(header, StandardCharsets.UTF_8).startsWith("layers=3-2\nactivation=sigmoid\nbias=false\n"));
        assertEquals(1, b.getInt());
        assertEquals(2, b.getInt());
        assertEquals(2, b.getInt());
        assertEquals(3, b.getInt());
        float[] weight = model.parameters().get(0).data();
        for (float w : weight) {
            assertEquals(w, b.getFloat());
        }
        b.getInt();
        assertEquals(0, b.remaining());
    }

    @Test
    void truncatedFileIsRejectedWithTheField() throws IOException {
        Path file = written(SMALL, SMALL.build(3));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void flippedValueFailsTheChecksum() throws IOException {
        Path file = written(SMALL, SMALL.build(3));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x40;
        Files.write(file, bytes);
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void otherFilesAreNotWeights() throws IOException {
        Path file = dir.resolve("not.bin");
        Files.writeString(file, "epoch,train_loss\n1,2.0\n");
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().contains("not a gradlab weights file"), e.getMessage());
    }

    @Test
    void trailingBytesAndWrongShapesAreRejected() throws IOException {
        Path file = written(SMALL, SMALL.build(3));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length + 3));
        assertTrue(assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file)).getMessage()
                .contains("checksum mismatch"));
        Files.write(file, withChecksum(Arrays.copyOf(bytes, bytes.length + 3)));
        assertTrue(assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file)).getMessage()
                .contains("file length must be " + bytes.length + " bytes for 6-5-4-3"));

        // Same bytes, but a header that claims other layer sizes: the checksum catches it first.
        byte[] other = new String(bytes, StandardCharsets.ISO_8859_1).replace("layers=6-5-4-3", "layers=6-4-5-3")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, other);
        assertTrue(assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file)).getMessage()
                .contains("checksum mismatch"));
        Files.write(file, withChecksum(other));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().contains("file length must be 446 bytes for 6-4-5-3"), e.getMessage());
    }

    /** The bytes with their last four replaced by the CRC-32 of the others, as a writer would. */
    static byte[] withChecksum(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        java.nio.ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    @Test
    void writerRejectsAModelOfAnotherArchitecture() {
        Sequential other = new Architecture(new int[] {6, 4, 3}, Activation.REQU, true).build(1);
        assertThrows(IllegalArgumentException.class, () -> WeightsFile.write(dir.resolve("x"), SMALL, other, Map.of()));
    }
}

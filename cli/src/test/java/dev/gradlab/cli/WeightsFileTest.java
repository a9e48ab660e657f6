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
        List<Tensor> expected = model.parameters();
        List<Tensor> actual = back.model().parameters();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).shape(), actual.get(i).shape());
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "tensor " + i);
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
                .contains("trailing bytes"));

        // Same bytes, but a header that claims other layer sizes.
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("layers=6-5-4-3", "layers=6-4-5-3");
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(WeightsFormatException.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().contains("must have shape [4, 6]"), e.getMessage());
    }

    @Test
    void writerRejectsAModelOfAnotherArchitecture() {
        Sequential other = new Architecture(new int[] {6, 4, 3}, Activation.REQU, true).build(1);
        assertThrows(IllegalArgumentException.class, () -> WeightsFile.write(dir.resolve("x"), SMALL, other, Map.of()));
    }
}

package dev.gradlab.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    private static final Architecture SMALL = new Architecture(new int[] {6, 5, 4, 3}, Activation.REQU, true);

    private Path written(Architecture a, Sequential model) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, a, model, Map.of("method", "backprop"));
        return file;
    }

    @Test
    void roundTripKeepsArchitectureInfoAndEveryValue() throws IOException {
        Sequential model = SMALL.build(7);
        SavedModel back = ModelFile.load(written(SMALL, model));
        assertEquals(SMALL, back.architecture());
        assertEquals(Map.of("method", "backprop"), back.info());
        assertArrayEquals(Parameters.flatten(model.parameters()), Parameters.flatten(back.model().parameters()));
    }

    /** The example of docs/core.md. */
    @Test
    void theDocumentedExampleRuns() throws IOException {
        Path file = dir.resolve("model.safetensors");
        var architecture = Architecture.of(784, new int[] {512}, 10, Activation.SIGMOID, false);
        Sequential model = architecture.build(42);
        ModelFile.save(file, architecture, model, Map.of("note", "untrained"));
        SavedModel back = ModelFile.load(file);
        assertEquals("untrained", back.info().get("note"));
        assertArrayEquals(model.parameters().get(1).data(), back.model().parameters().get(1).data());
    }

    @Test
    void layoutIsSafetensorsWithPyTorchsNames() throws IOException {
        Architecture a = new Architecture(new int[] {3, 2, 2}, Activation.SIGMOID, true);
        Sequential model = a.build(1);
        byte[] b = Files.readAllBytes(written(a, model));
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong(0);
        assertEquals(0, (8 + n) % 8, "the data starts 8-byte aligned");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.contains("\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}"), header);
        assertTrue(header.contains("\"2.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]}"), header);
        assertTrue(header.contains("\"layers\":\"3-2-2\",\"activation\":\"sigmoid\",\"bias\":\"true\""), header);
        assertEquals(8 + n + 4 * (6 + 2 + 4 + 2), b.length);
        assertEquals(model.parameters().get(0).data()[1], in.getFloat((int) (8 + n + 4)));
        assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight", "2.bias"), a.parameterNames());
    }

    private ModelFormatException rejected(byte[] bytes) throws IOException {
        Path file = dir.resolve("broken.safetensors");
        Files.write(file, bytes);
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith(file + ": at byte "), e.getMessage());
        return e;
    }

    @Test
    void truncationTrailingBytesAndCorruptionAreRejectedWithTheOffset() throws IOException {
        byte[] good = Files.readAllBytes(written(SMALL, SMALL.build(3)));
        long n = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        long data = 8 + n;

        String m = rejected(Arrays.copyOf(good, good.length - 3)).getMessage();
        assertTrue(m.contains("truncated: tensor \"4.bias\""), m);

        m = rejected(Arrays.copyOf(good, good.length + 4)).getMessage();
        assertTrue(m.contains("at byte " + good.length + ": the file must end after the last tensor, got 4 trailing bytes"), m);

        byte[] flipped = good.clone();
        flipped[(int) data + 5] ^= 1;
        m = rejected(flipped).getMessage();
        assertTrue(m.contains("checksum mismatch"), m);

        m = rejected(Arrays.copyOf(good, 20)).getMessage();
        assertTrue(m.contains("at byte 0: truncated: the header length is " + n), m);

        m = rejected("GRADLABW....".getBytes(StandardCharsets.US_ASCII)).getMessage();
        assertTrue(m.contains("header length must be in"), m);
    }

    @Test
    void aHeaderThatLiesIsRejected() throws IOException {
        byte[] good = Files.readAllBytes(written(SMALL, SMALL.build(3)));
        String header = new String(good, 8, (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
                StandardCharsets.UTF_8);
        String m = rejected(withHeader(good, header, header.replace("[0,120]", "[0,116]"))).getMessage();
        assertTrue(m.contains("tensor \"0.weight\" data_offsets must span 4 x 30 bytes"), m);
        m = rejected(withHeader(good, header, header.replace("\"F32\"", "\"F16\""))).getMessage();
        assertTrue(m.contains("must have dtype F32, got F16"), m);
        m = rejected(withHeader(good, header, header.replace("\"shape\":[5,6]", "\"shape\":[6,5]"))).getMessage();
        assertTrue(m.contains("tensor 0.weight must have shape [5, 6]"), m);
        m = rejected(withHeader(good, header, header.replace("\"4.bias\"", "\"5.bias\""))).getMessage();
        assertTrue(m.contains("tensors must be [0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias]"), m);
        m = rejected(withHeader(good, header, header.replace("\"layers\":\"6-5-4-3\"", "\"layers\":\"6-5-4\""))).getMessage();
        assertTrue(m.contains("tensors must be"), m);
        m = rejected(withHeader(good, header, header.replace("{\"__metadata__\"", "[\"__metadata__\""))).getMessage();
        assertTrue(m.contains("at byte 23: expected ']', got ':'"), m);
    }

    /** The file with its header text replaced (padded with spaces to the same length). */
    private static byte[] withHeader(byte[] file, String header, String replacement) {
        assertTrue(!header.equals(replacement), "the replacement must change the header");
        byte[] h = String.format("%-" + header.length() + "s", replacement).getBytes(StandardCharsets.UTF_8);
        assertEquals(header.length(), h.length);
        byte[] out = file.clone();
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }

    @Test
    void theWriterRejectsAModelOfAnotherArchitecture() {
        Sequential other = new Architecture(new int[] {6, 4, 3}, Activation.REQU, true).build(1);
        var e = assertThrows(IllegalArgumentException.class, () -> written(SMALL, other));
        assertTrue(e.getMessage().startsWith("model must have 6 parameter tensors"), e.getMessage());
    }
}

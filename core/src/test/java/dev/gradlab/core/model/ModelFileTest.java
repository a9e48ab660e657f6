package dev.gradlab.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
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

    private Path written(Architecture a, Module model) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, a, model, Map.of("method", "backprop"));
        return file;
    }

    @Test
    void roundTripKeepsArchitectureInfoAndEveryValue() throws IOException {
        Sequential model = SMALL.build(7);
        SavedModel back = ModelFile.load(written(SMALL, model));
        assertEquals(SMALL.spec(), back.spec());
        assertEquals(Map.of("method", "backprop"), back.info());
        assertArrayEquals(
                Parameters.flatten(model.parameters()),
                Parameters.flatten(back.model().parameters()));
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
        assertArrayEquals(
                model.parameters().get(1).data(),
                back.model().parameters().get(1).data());
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
        assertTrue(
                header.contains("\"2.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]}"), header);
        assertTrue(header.contains("\"format\":\"gradlab-model\",\"spec\":\"{\\\"type\\\":\\\"Sequential\\\""), header);
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
        assertTrue(
                m.contains(
                        "at byte " + good.length + ": the file must end after the last tensor, got 4 trailing bytes"),
                m);

        byte[] flipped = good.clone();
        flipped[(int) data + 5] ^= 1;
        m = rejected(flipped).getMessage();
        assertTrue(m.contains("checksum mismatch"), m);

        m = rejected(Arrays.copyOf(good, 20)).getMessage();
        assertTrue(m.contains("at byte 0: truncated: the header length is " + n), m);

        m = rejected("GRADLABW....".getBytes(StandardCharsets.US_ASCII)).getMessage();
        assertTrue(
                m.contains("at byte 0: not a safetensors file (expected a model.safetensors written by gradlab train"
                        + " or ModelFile.save): the first 8 bytes must be a header length in [2, 100000000]"),
                m);
    }

    @Test
    void aHeaderThatLiesIsRejected() throws IOException {
        byte[] good = Files.readAllBytes(written(SMALL, SMALL.build(3)));
        String header = new String(
                good,
                8,
                (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
                StandardCharsets.UTF_8);
        String m = rejected(withHeader(good, header, header.replace("[0,120]", "[0,116]")))
                .getMessage();
        assertTrue(m.contains("tensor \"0.weight\" data_offsets must span 4 x 30 bytes"), m);
        m = rejected(withHeader(good, header, header.replace("\"F32\"", "\"F16\"")))
                .getMessage();
        assertTrue(m.contains("must have dtype F32, got F16"), m);
        m = rejected(withHeader(good, header, header.replace("\"shape\":[5,6]", "\"shape\":[6,5]")))
                .getMessage();
        assertTrue(m.contains("tensor 0.weight must have shape [5, 6]"), m);
        m = rejected(withHeader(good, header, header.replace("\"4.bias\"", "\"5.bias\"")))
                .getMessage();
        assertTrue(m.contains("tensors must be [0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias]"), m);
        m = rejected(withHeader(good, header, header.replace("\\\"out_features\\\":3", "\\\"out_features\\\":2")))
                .getMessage();
        assertTrue(m.contains("__metadata__ metadata_checksum mismatch"), m);
        m = rejected(withChecksum(
                        withHeader(good, header, header.replace("\\\"out_features\\\":3", "\\\"out_features\\\":2"))))
                .getMessage();
        assertTrue(m.contains("tensor 4.weight must have shape [2, 4]"), m);
        m = rejected(withChecksum(
                        withHeader(good, header, header.replace("\\\"in_features\\\":6", "\\\"in_features\\\":0"))))
                .getMessage();
        assertTrue(
                m.contains("__metadata__ spec does not describe a model: spec layer 0 field in_features must be an"
                        + " integer >= 1, got 0"),
                m);
        m = rejected(withHeader(good, header, header.replace("{\"__metadata__\"", "[\"__metadata__\"")))
                .getMessage();
        assertTrue(m.contains("at byte 23: expected ']', got ':'"), m);
    }

    /** The file with its header text replaced (padded with spaces to the same length). */
    private static byte[] withHeader(byte[] file, String header, String replacement) {
        return withHeader(file, header, replacement, false);
    }

    private static byte[] withHeader(byte[] file, String header, String replacement, boolean same) {
        assertTrue(same || !header.equals(replacement), "the replacement must change the header");
        byte[] h = String.format("%-" + header.length() + "s", replacement).getBytes(StandardCharsets.UTF_8);
        assertEquals(header.length(), h.length);
        byte[] out = file.clone();
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }

    /** A model whose modules the architecture does not describe, though every shape is right, is refused. */
    @Test
    void theWriterRejectsAModelThatTheArchitectureDoesNotDescribeModuleByModule() {
        Architecture sigmoid = new Architecture(new int[] {6, 5, 3}, Activation.SIGMOID, true);
        Module userActivation = new Module() {
            @Override
            public dev.gradlab.core.Tensor forward(dev.gradlab.core.Tensor x) {
                return x.relu();
            }

            @Override
            public java.util.List<dev.gradlab.core.Tensor> parameters() {
                return java.util.List.of();
            }
        };
        Sequential custom = new Sequential(new Linear(6, 5, true, 1), userActivation, new Linear(5, 3, true, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> written(sigmoid, custom));
        assertTrue(
                e.getMessage().startsWith("model module 1 must be Sigmoid for 6-5-3 sigmoid, with biases, got "),
                e.getMessage());

        Sequential relu = new Sequential(new Linear(6, 5, true, 1), new ReLU(), new Linear(5, 3, true, 2));
        e = assertThrows(IllegalArgumentException.class, () -> written(sigmoid, relu));
        assertTrue(
                e.getMessage().startsWith("model module 1 must be Sigmoid for 6-5-3 sigmoid, with biases, got ReLU"),
                e.getMessage());

        Sequential noActivation = new Sequential(new Linear(6, 5, true, 1), new Linear(5, 3, true, 2));
        e = assertThrows(IllegalArgumentException.class, () -> written(sigmoid, noActivation));
        assertTrue(
                e.getMessage().startsWith("model must have 3 modules for 6-5-3 sigmoid, with biases, got 2"),
                e.getMessage());

        Sequential swapped = new Sequential(new Sigmoid(), new Linear(6, 5, true, 1), new Linear(5, 3, true, 2));
        e = assertThrows(IllegalArgumentException.class, () -> written(sigmoid, swapped));
        assertTrue(
                e.getMessage()
                        .startsWith("model module 0 must be Linear(6, 5) for 6-5-3 sigmoid, with biases, got Sigmoid"),
                e.getMessage());

        Architecture noBias = new Architecture(new int[] {6, 5}, Activation.SIGMOID, false);
        e = assertThrows(
                IllegalArgumentException.class, () -> written(noBias, new Sequential(new Linear(6, 5, true, 1))));
        assertTrue(
                e.getMessage()
                        .startsWith("model module 0 must be Linear(6, 5, bias=false) for 6-5 sigmoid, no biases,"
                                + " got Linear(6, 5)"),
                e.getMessage());

        Module bare = new Linear(6, 5, false, 1);
        e = assertThrows(IllegalArgumentException.class, () -> written(noBias, bare));
        assertTrue(
                e.getMessage().startsWith("model must be a Sequential for 6-5 sigmoid, no biases, got Linear"),
                e.getMessage());
    }

    /** Values the checksum agrees with are still checked: a NaN or an infinity is an error naming the tensor. */
    @Test
    void nonFiniteValuesBehindAValidChecksumAreRejected() throws IOException {
        byte[] good = Files.readAllBytes(written(SMALL, SMALL.build(3)));
        long n = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            byte[] b = good.clone();
            // 0.bias is [5] after 0.weight's 30 values: its value 2 is at data offset 4 * 32.
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) (8 + n + 4 * 32), bad);
            String m = rejected(withChecksum(b)).getMessage();
            assertTrue(
                    m.equals(dir.resolve("broken.safetensors") + ": at byte " + (8 + n + 4 * 32)
                            + ": tensor \"0.bias\" value 2 must be finite, got " + bad),
                    m);
        }
    }

    /** The header is padded by its UTF-8 bytes: with non-ASCII metadata the data still starts 8-byte aligned. */
    @Test
    void nonAsciiMetadataKeepsTheDataAlignedAndRoundTrips() throws IOException {
        for (String note : new String[] {"café", "日本語のメモ", "ü", "Ωμέγα ≠ ∞", "\uD83D\uDE00 emoji"}) {
            Path file = dir.resolve("model.safetensors");
            Sequential model = SMALL.build(2);
            ModelFile.save(file, SMALL, model, Map.of("note", note));
            byte[] b = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, (8 + n) % 8, note);
            SavedModel back = ModelFile.load(file);
            assertEquals(note, back.info().get("note"));
            assertArrayEquals(
                    Parameters.flatten(model.parameters()),
                    Parameters.flatten(back.model().parameters()));
        }
    }

    /** Control bytes from a damaged file are escaped in the message, never printed raw. */
    @Test
    void controlBytesInAMessageAreEscaped() throws IOException {
        byte[] good = Files.readAllBytes(written(SMALL, SMALL.build(3)));
        String header = new String(
                good,
                8,
                (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0),
                StandardCharsets.UTF_8);
        String m = rejected(withHeader(good, header, header.replace("\"spec\":", "\"spec\"\u001b")))
                .getMessage();
        assertTrue(m.contains("\\u001b") && m.chars().noneMatch(c -> c < 0x20), m);
        m = rejected(withChecksum(withHeader(good, header, header.replace("ReQU", "R\u0007QU"))))
                .getMessage();
        assertTrue(m.contains("R\\u0007QU") && m.chars().noneMatch(c -> c < 0x20), m);
    }

    /** A huge value from the file is cut in the message, not printed whole. */
    @Test
    void aHugeValueIsCutInTheMessage() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        SafeTensors.write(file, Map.of(), Map.of("format", "x".repeat(100_000)));
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        assertTrue(
                e.getMessage().startsWith(file + ": at byte 8: __metadata__ must have format=gradlab-model"),
                e.getMessage());
        assertTrue(e.getMessage().length() < 1100 && e.getMessage().endsWith(" characters in all)"), e.getMessage());
    }

    /** The file with the checksums in its header recomputed over its data and its metadata. */
    static byte[] withChecksum(byte[] file) {
        int n = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(file, 8 + n, file.length - 8 - n);
        String header = new String(file, 8, n, StandardCharsets.UTF_8);
        String patched = header.replaceFirst(
                "\"checksum\":\"crc32:[0-9a-f]{8}\"", String.format("\"checksum\":\"crc32:%08x\"", crc.getValue()));
        @SuppressWarnings("unchecked")
        var metadata = (Map<String, String>) ((Map<String, Object>) Json.parse(header, "test", 8)).get("__metadata__");
        patched = patched.replaceFirst(
                "\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"",
                "\"metadata_checksum\":\"" + SafeTensors.metadataChecksum(metadata) + "\"");
        return withHeader(file, header, patched, true);
    }

    @Test
    void theWriterRejectsAModelOfAnotherArchitecture() {
        Sequential other = new Architecture(new int[] {6, 4, 3}, Activation.REQU, true).build(1);
        var e = assertThrows(IllegalArgumentException.class, () -> written(SMALL, other));
        assertTrue(
                e.getMessage().startsWith("model must have 5 modules for 6-5-4-3 requ, with biases, got 3"),
                e.getMessage());
    }
}

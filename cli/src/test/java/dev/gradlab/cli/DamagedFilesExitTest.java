package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged model or genome file given to {@code gradlab evaluate} is the file's fault: exit 1 and
 * one line naming the file and the byte offset, with no control character from the file; never the
 * usage error (exit 2) of a bad option.
 */
class DamagedFilesExitTest {

    @TempDir
    static Path dir;

    private static byte[] model;
    private static byte[] genome;

    @BeforeAll
    static void train() throws IOException {
        Path out = dir.resolve("run");
        Run run = Run.of("train", "--epochs", "1", "--hidden", "8", "--out", out.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        model = Files.readAllBytes(out.resolve("model.safetensors"));
        Path ga = dir.resolve("ga");
        run = Run.of(
                "train",
                "--method",
                "ga",
                "--epochs",
                "1",
                "--population",
                "4",
                "--parents",
                "2",
                "--elites",
                "1",
                "--hidden",
                "8",
                "--out",
                ga.toString(),
                "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        genome = Files.readAllBytes(ga.resolve("genome.bin"));
    }

    private static void assertFailureNamingTheFile(String option, byte[] bytes, String fragment) throws IOException {
        Path file = Files.write(dir.resolve("damaged"), bytes);
        Run run = Run.of("evaluate", option, file.toString());
        assertEquals(1, run.exitCode(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("gradlab evaluate: " + file + ": "), err);
        assertTrue(err.contains(fragment), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.chars().noneMatch(c -> c < 0x20 || c == 0x7f), err);
    }

    private static int dataStart(byte[] file) {
        return 8 + (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    @Test
    void damagedModelFilesExitOneNamingTheFile() throws IOException {
        assertFailureNamingTheFile("--weights", Arrays.copyOf(model, model.length - 5), "at byte");
        assertFailureNamingTheFile("--weights", Arrays.copyOf(model, 5), "at byte 0: truncated");
        byte[] flipped = model.clone();
        flipped[dataStart(model) + 7] ^= 0x40;
        assertFailureNamingTheFile("--weights", flipped, "at byte 8: checksum mismatch");

        // NaN behind a checksum that agrees with it.
        byte[] nan = model.clone();
        int start = dataStart(model);
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(start + 4, Float.NaN);
        CRC32 crc = new CRC32();
        crc.update(nan, start, nan.length - start);
        String header = new String(nan, 8, start - 8, StandardCharsets.UTF_8)
                .replaceFirst(
                        "\"checksum\":\"crc32:[0-9a-f]{8}", String.format("\"checksum\":\"crc32:%08x", crc.getValue()));
        System.arraycopy(header.getBytes(StandardCharsets.UTF_8), 0, nan, 8, start - 8);
        assertFailureNamingTheFile("--weights", nan, "tensor \"0.weight\" value 1 must be finite, got NaN");

        // An absurd shape in the spec, a control byte in the header, and a file of the format no release shipped.
        String h = new String(model, 8, start - 8, StandardCharsets.UTF_8);
        byte[] layers = h.replace("\\\"out_features\\\":8,", "\\\"out_features\\\":9999999,")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(layers.length == start - 8 + 6, h);
        assertFailureNamingTheFile("--weights", withHeader(model, layers), "metadata_checksum mismatch");
        byte[] control = model.clone();
        control[h.indexOf("\"spec\"") + 8 + 6] = 0x1b; // the colon after the key
        assertFailureNamingTheFile("--weights", control, "\\u001b");
        assertFailureNamingTheFile(
                "--weights",
                "GRADLABW\0\0\0\1 older weights".getBytes(StandardCharsets.ISO_8859_1),
                "at byte 0: not a safetensors file (expected a model.safetensors written by gradlab train");
    }

    @Test
    void damagedGenomeFilesExitOneNamingTheFile() throws IOException {
        assertFailureNamingTheFile("--genome", Arrays.copyOf(genome, genome.length - 1), "at byte");
        byte[] flipped = genome.clone();
        flipped[genome.length - 6] ^= 1;
        assertFailureNamingTheFile("--genome", flipped, "checksum mismatch");
        byte[] layers = genome.clone();
        layers[12] = 0x7f;
        assertFailureNamingTheFile("--genome", layers, "at byte 12: spec length");
    }

    /** A damaged checkpoint fails the resume with exit 1, naming the file and the entry or offset. */
    @Test
    void aDamagedCheckpointFailsTheResumeNamingTheFile() throws IOException {
        Path run = dir.resolve("resumable");
        Run train = Run.of("train", "--epochs", "1", "--hidden", "8", "--out", run.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        Path file = run.resolve("checkpoint.safetensors");
        byte[] checkpoint = Files.readAllBytes(file);
        int start = dataStart(checkpoint);
        // Edited by hand: without the metadata checksum, as in older checkpoints, the entries' own checks apply.
        String h = new String(checkpoint, 8, start - 8, StandardCharsets.UTF_8)
                .replaceFirst(",\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"", "");

        byte[] flipped = checkpoint.clone();
        flipped[start + 3] ^= 0x40;
        byte[] negative = withHeader(
                checkpoint, h.replace("\"epoch\":\"1\"", "\"epoch\":\"-1\"").getBytes(StandardCharsets.UTF_8));
        byte[] groupKey = withHeader(
                checkpoint,
                h.replace("\"optimizer.group.0.lr\"", "\"optimizer.group.0.xr\"")
                        .getBytes(StandardCharsets.UTF_8));
        String[] fragments = {
            "at byte 8: checksum mismatch",
            "epoch must be an integer in [0, 2147483647], got '-1'",
            "group settings must have the keys"
        };
        byte[][] damaged = {flipped, negative, groupKey};
        for (int i = 0; i < damaged.length; i++) {
            Files.write(file, damaged[i]);
            Run resumed = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
            assertEquals(1, resumed.exitCode(), resumed.err());
            String err = resumed.err().strip();
            assertTrue(err.startsWith("gradlab train: " + file + ": "), err);
            assertTrue(err.contains(fragments[i]), err);
        }
    }

    private static byte[] withHeader(byte[] file, byte[] header) {
        int start = dataStart(file);
        ByteBuffer out =
                ByteBuffer.allocate(8 + header.length + file.length - start).order(ByteOrder.LITTLE_ENDIAN);
        return out.putLong(header.length)
                .put(header)
                .put(file, start, file.length - start)
                .array();
    }
}

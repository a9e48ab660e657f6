package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted inputs that ask for more memory than the file or the heap holds, each run in its own JVM
 * with a heap of 1 GB: every one fails with exit code 1 and one line on stderr, never a stack trace.
 */
class OversizedInputsTest {

    @TempDir
    Path dir;

    private record Result(int exitCode, List<String> errLines) {}

    private Result gradlab(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        // Only against a hang; the figures of a normal run are in the report of the change, not asserted.
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gradlab " + String.join(" ", args) + " did not finish");
        }
        List<String> lines = Files.readAllLines(err).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .toList();
        return new Result(p.exitValue(), lines);
    }

    private void assertOneLine(Result r, String prefix, String fragment) {
        assertEquals(1, r.exitCode(), r.errLines().toString());
        assertEquals(1, r.errLines().size(), r.errLines().toString());
        assertTrue(r.errLines().get(0).startsWith(prefix), r.errLines().get(0));
        assertTrue(r.errLines().get(0).contains(fragment), r.errLines().get(0));
    }

    @Test
    void aMillionHiddenUnits() throws Exception {
        assertOneLine(
                gradlab(
                        "train",
                        "--hidden",
                        "1000000",
                        "--out",
                        dir.resolve("run").toString()),
                "gradlab train: ",
                "the network 784-1000000-10 sigmoid, no biases (794000000 parameters) needs 12115 MB of heap");
    }

    @Test
    void aSmallModelFileWhoseHeaderClaimsAHugeNetwork() throws Exception {
        String header = "{\"__metadata__\":{\"format\":\"gradlab-mlp\",\"layers\":\"784-2000000-10\","
                + "\"activation\":\"sigmoid\",\"bias\":\"false\",\"checksum\":\"crc32:00000000\"},"
                + "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2000000,784],\"data_offsets\":[0,6272000000]},"
                + "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[10,2000000],\"data_offsets\":[6272000000,6352000000]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + h.length + 51_000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(h.length).put(h);
        Path file = Files.write(dir.resolve("model.safetensors"), bytes.array());
        assertOneLine(
                gradlab("evaluate", "--weights", file.toString()),
                "gradlab evaluate: " + file + ": at byte ",
                "truncated: tensor \"0.weight\" needs data up to offset 6272000000, the file has 51000 bytes of data");
    }

    @Test
    void aGzipIdxHeaderClaimingMillionsOfImages() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        byte[] noise = new byte[2 << 20];
        new Random(1).nextBytes(noise);
        ByteBuffer images = ByteBuffer.allocate(16 + noise.length)
                .putInt(0x00000803)
                .putInt(2_739_000)
                .putInt(28)
                .putInt(28)
                .put(noise);
        try (GZIPOutputStream gz =
                new GZIPOutputStream(Files.newOutputStream(data.resolve("train-images-idx3-ubyte.gz")))) {
            gz.write(images.array());
        }
        Files.write(
                data.resolve("train-labels-idx1-ubyte"),
                ByteBuffer.allocate(9).putInt(0x00000801).putInt(1).array());
        Files.write(
                data.resolve("t10k-images-idx3-ubyte"),
                ByteBuffer.allocate(16 + 784)
                        .putInt(0x00000803)
                        .putInt(1)
                        .putInt(28)
                        .putInt(28)
                        .array());
        Files.write(
                data.resolve("t10k-labels-idx1-ubyte"),
                ByteBuffer.allocate(9).putInt(0x00000801).putInt(1).array());
        assertOneLine(
                gradlab(
                        "train",
                        "--data",
                        data.toString(),
                        "--out",
                        dir.resolve("run").toString()),
                "gradlab train: " + data.resolve("train-images-idx3-ubyte.gz") + ": data at offset 16: ",
                "expected 2147376000 bytes, actual " + noise.length + " bytes");
    }

    @Test
    void aDeviceAsTheWeightsFile() throws Exception {
        Path zero = Path.of("/dev/zero");
        if (!Files.exists(zero)) {
            return; // not a Unix-like system
        }
        assertOneLine(
                gradlab("evaluate", "--weights", zero.toString()),
                "gradlab evaluate: /dev/zero: ",
                "expected a regular file (a model.safetensors written by gradlab train or ModelFile.save), actual a device or"
                        + " other special file");
    }

    @Test
    void aModelFileOverTwoGigabytes() throws Exception {
        Path file = dir.resolve("huge.safetensors");
        try (FileChannel c = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            c.write(ByteBuffer.wrap("GRADLABW".getBytes(StandardCharsets.US_ASCII)));
            c.write(ByteBuffer.wrap(new byte[1]), 2_500_000_000L); // sparse: takes no disk space
        }
        assertOneLine(
                gradlab("evaluate", "--weights", file.toString()),
                "gradlab evaluate: " + file + ": ",
                "file length must be at most 2147483639 bytes for a model.safetensors written by gradlab train or"
                        + " ModelFile.save, got 2500000001");
    }
}

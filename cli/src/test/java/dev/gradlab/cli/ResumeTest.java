package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train --epochs 4} against {@code train --epochs 2} and then {@code --resume} to 4: the same bytes. */
class ResumeTest {

    @TempDir
    Path dir;

    private static Run train(Path out, String method, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train", "--method", method, "--hidden", "8", "--shuffle", "--out", out.toString(), "--no-progress"));
        if (!method.equals("backprop")) {
            args.addAll(List.of("--population", "4"));
        }
        args.addAll(List.of(more));
        Run run = Run.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"backprop", "es"})
    void aResumedRunWritesTheSameModelFileAsAnUninterruptedOne(String method) throws IOException {
        Path straight = dir.resolve("straight");
        Run four = train(straight, method, "--epochs", "4");
        Path stopped = dir.resolve("stopped");
        train(stopped, method, "--epochs", "2");

        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "4", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(!resumed.out().contains("Epoch 2,") && resumed.out().contains("Epoch 3,"), resumed.out());
        assertEquals(four.lastLine(), resumed.lastLine());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
        List<String> csv = Files.readAllLines(stopped.resolve("metrics.csv"));
        assertEquals(5, csv.size(), csv.toString());
        assertTrue(csv.get(4).startsWith("4,"), csv.toString());
    }

    @Test
    void aResumedRunWithASigmaScheduleWritesTheSameModelFileAsAnUninterruptedOne() throws IOException {
        Path straight = dir.resolve("straight");
        train(straight, "es", "--epochs", "4", "--sigma-schedule", "step:1:0.5");
        Path stopped = dir.resolve("stopped");
        train(stopped, "es", "--epochs", "2", "--sigma-schedule", "step:1:0.5");
        // The checkpoint keeps the sigma of the last epoch done: 0.05 · 0.5.
        assertEquals(
                0.025f,
                dev.gradlab.optim.Checkpoint.read(stopped.resolve("checkpoint.safetensors"))
                        .estimator()
                        .get("sigma")
                        .floatValue());

        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "4", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(
                resumed.out().lines().findFirst().orElseThrow().contains(" sigma schedule step:1:0.5"), resumed.out());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
    }

    @Test
    void resumeTakesItsSettingsFromTheCheckpoint() {
        Path run = dir.resolve("run");
        train(run, "backprop", "--epochs", "1");
        Run extra = Run.of("train", "--resume", run.toString(), "--lr", "0.5");
        assertEquals(2, extra.exitCode(), extra.err());
        assertTrue(extra.err().contains("option '--lr' does not apply with --resume"), extra.err());
        Run more = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        Run missing = Run.of("train", "--resume", dir.resolve("none").toString());
        assertEquals(1, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    /** A directory of four IDX files with {@code n} training and {@code n} test images. */
    static Path idx(Path data, int n) throws IOException {
        Files.createDirectories(data);
        for (String set : List.of("train", "t10k")) {
            java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + 784 * n)
                    .putInt(0x00000803)
                    .putInt(n)
                    .putInt(28)
                    .putInt(28);
            for (int i = 0; i < 784 * n; i++) {
                images.put((byte) (i * 7 % 256));
            }
            java.nio.ByteBuffer labels =
                    java.nio.ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
            for (int i = 0; i < n; i++) {
                labels.put((byte) (i % 10));
            }
            Files.write(data.resolve(set + "-images-idx3-ubyte"), images.array());
            Files.write(data.resolve(set + "-labels-idx1-ubyte"), labels.array());
        }
        return data;
    }

    @Test
    void theCheckpointKeepsTheDataDirectoryAbsoluteAndAResumeNoticesChangedData() throws IOException {
        Path data = idx(dir.resolve("data"), 4);
        Path relative = Path.of("").toAbsolutePath().relativize(data);
        Path run = dir.resolve("run");
        train(run, "backprop", "--epochs", "1", "--batch", "2", "--data", relative.toString());
        String args = dev.gradlab.optim.Checkpoint.read(run.resolve("checkpoint.safetensors"))
                .info()
                .get("args");
        assertTrue(args.contains("--data\n" + data.toAbsolutePath()), args);

        idx(data, 6);
        Run resumed = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(1, resumed.exitCode(), resumed.err());
        assertTrue(
                resumed.err().contains(data.toAbsolutePath().toString())
                        && resumed.err().contains("changed"),
                resumed.err());
    }

    /**
     * A run written before metrics.csv had its last column resumes, its rows rewritten with the
     * elapsed time as their training time.
     */
    @Test
    void aMetricsFileWithoutTheTrainingTimeResumes() throws IOException {
        Path run = dir.resolve("run");
        train(run, "backprop", "--epochs", "1");
        Path csv = run.resolve("metrics.csv");
        List<String> lines = Files.readAllLines(csv);
        String older = lines.get(1).substring(0, lines.get(1).lastIndexOf(','));
        Files.writeString(csv, lines.get(0).substring(0, lines.get(0).lastIndexOf(',')) + "\n" + older + "\n");
        Run resumed = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        List<String> after = Files.readAllLines(csv);
        String elapsed = older.substring(older.lastIndexOf(',') + 1);
        assertEquals(List.of(MetricsCsv.HEADER, older + "," + elapsed), after.subList(0, 2));
        assertEquals(7, after.get(2).split(",").length, after.toString());
    }

    @Test
    void aDamagedMetricsFileIsAFailureNamingTheFileAndLine() throws IOException {
        Path run = dir.resolve("run");
        train(run, "backprop", "--epochs", "1");
        Path csv = run.resolve("metrics.csv");
        Files.writeString(csv, MetricsCsv.HEADER + "\n1,0.5\u0001,x\n");
        Run resumed = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(1, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains(csv + ": line 2") && resumed.err().contains("\\u0001"), resumed.err());
        assertTrue(!resumed.err().contains("\u0001") && !resumed.err().contains("see gradlab"), resumed.err());
    }
}

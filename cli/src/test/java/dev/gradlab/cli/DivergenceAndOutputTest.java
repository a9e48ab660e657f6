package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that diverge stop where they diverge and write nothing; --out is never overwritten by accident. */
class DivergenceAndOutputTest {

    @TempDir
    Path dir;

    private static void assertFailsInOneLine(Run run, String fragment) {
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(fragment), run.err());
    }

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aHugeLearningRateIsCaughtByTheBound() throws IOException {
        Path out = dir.resolve("run");
        Run run = Run.of("train", "--epochs", "2", "--lr", "1e6", "--out", out.toString(), "--no-progress");
        assertFailsInOneLine(run, "above the bound of 10000.0");
        assertFalse(Files.exists(out));
        assertEquals(List.of(), listing(dir), "no temporary directory left behind");
    }

    @Test
    void aReluBlowUpIsCaughtByTheBound() {
        Run run = Run.of(
                "train",
                "--hidden",
                "16",
                "--activation",
                "relu",
                "--lr",
                "1e6",
                "--out",
                dir.resolve("run").toString(),
                "--no-progress");
        assertFailsInOneLine(run, "above the bound of 10000.0");
    }

    @Test
    void nanWeightsAreCaughtBeforeAnEpochLinePrintsThem() {
        Run run = Run.of(
                "train",
                "--hidden",
                "16",
                "--activation",
                "requ",
                "--lr",
                "1e5",
                "--batch",
                "1000",
                "--epochs",
                "4",
                "--max-loss",
                "off",
                "--out",
                dir.resolve("run").toString(),
                "--no-progress");
        assertEquals(1, run.exitCode(), run.err());
        List<String> epochLines =
                run.out().lines().filter(l -> l.startsWith("Epoch ")).toList();
        assertTrue(epochLines.stream().noneMatch(l -> l.contains("NaN") || l.contains("Infinity")), run.out());
        assertTrue(
                run.err().contains("epoch " + (epochLines.size() + 1)),
                "stdout printed " + epochLines + "; " + run.err());
    }

    @Test
    void theBoundCanBeTurnedOffAndMustBeANumberOrOff() {
        Run bad = Run.of("train", "--max-loss", "big");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'--max-loss': must be a finite number > 0 or 'off', got 'big'"), bad.err());
    }

    @Test
    void aUsedOutputDirectoryIsRefusedUnlessOverwriteReplacesIt() throws IOException {
        Path out = dir.resolve("run");
        String[] tiny = {"train", "--epochs", "1", "--hidden", "8", "--out", out.toString(), "--no-progress"};
        assertEquals(0, Run.of(tiny).exitCode());
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));
        byte[] metrics = Files.readAllBytes(out.resolve("metrics.csv"));

        Run again = Run.of(tiny);
        assertEquals(2, again.exitCode(), again.err());
        assertTrue(again.err().contains("'--out': " + out + " is not empty"), again.err());

        Run failed = Run.of(
                "train",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--lr",
                "1e6",
                "--overwrite",
                "--out",
                out.toString(),
                "--no-progress");
        assertEquals(1, failed.exitCode(), failed.err());
        assertArrayEquals(
                weights, Files.readAllBytes(out.resolve("model.safetensors")), "a failed run leaves the old one whole");
        assertArrayEquals(metrics, Files.readAllBytes(out.resolve("metrics.csv")));

        Run replaced = Run.of(
                "train", "--epochs", "2", "--hidden", "8", "--overwrite", "--out", out.toString(), "--no-progress");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertEquals(
                3, Files.readAllLines(out.resolve("metrics.csv")).size(), "the header and the new run's two epochs");
        assertEquals(
                List.of("checkpoint.safetensors", "metrics.csv", "model.safetensors", "training.png"), listing(out));
        assertEquals(List.of("run"), listing(dir));
    }

    @Test
    void overwriteNeverRemovesFilesARunDoesNotWrite() throws IOException {
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "keep");
        Run run = Run.of("train", "--epochs", "1", "--hidden", "8", "--overwrite", "--out", out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("holds files a run does not write ([notes.txt])"), run.err());
        assertEquals("keep", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void silentlyAcceptedInputsAreUsageErrors() {
        Run emptyOut = Run.of("train", "--out", "");
        assertEquals(2, emptyOut.exitCode());
        assertTrue(emptyOut.err().contains("'--out': must name a directory, got an empty path"), emptyOut.err());
        Run bigBatch =
                Run.of("train", "--batch", "1001", "--out", dir.resolve("b").toString());
        assertEquals(2, bigBatch.exitCode());
        assertTrue(
                bigBatch.err().contains("'--batch': must be at most the 1000 training images, got 1001"),
                bigBatch.err());
        Run download = Run.of("train", "--download", "--out", dir.resolve("d").toString());
        assertEquals(2, download.exitCode());
        assertTrue(
                download.err().contains("option '--download' applies to --data full or mnist, got --data subset"),
                download.err());
        Run unknown = Run.of("trian");
        assertEquals(2, unknown.exitCode());
        assertTrue(
                unknown.err()
                        .startsWith("gradlab: unknown command 'trian': expected one of train, evaluate, compare,"
                                + " gradients, graph, backprop-trace, gradient-stats, info, minimize, worker, help"),
                unknown.err());
    }

    @Test
    void oneEpochIsSingular() {
        Run run = Run.of(
                "train",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--out",
                dir.resolve("one").toString(),
                "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().lines().findFirst().orElseThrow().contains(", 1 epoch, seed 42"), run.out());
    }

    @Test
    void helpTextIsWholeSentencesAndWholePaths() {
        String top = Run.of("--help").out();
        // Each command's summary is its description's first line: a whole sentence, however it wraps.
        String commands = top.substring(top.indexOf("Commands:"));
        String joined = commands.replaceAll("\n\\s{8,}(?=\\S)", " ");
        for (String line : joined.lines().skip(1).toList()) {
            assertTrue(line.strip().endsWith("."), "summary cut off: " + line + "\n" + top);
        }
        assertTrue(
                joined.contains(
                        "Compare each gradient estimator with backprop on one batch, and sweep the ES population."),
                top);
        String train = Run.of("train", "--help").out();
        assertFalse(train.contains("~/. ") || train.contains("(. gz") || train.contains("/.\n"), train);
    }
}

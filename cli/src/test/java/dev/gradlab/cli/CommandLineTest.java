package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @TempDir
    Path dir;

    /** A usage error or failure is exactly one line on stderr, without a stack trace, and nothing on stdout. */
    private static void assertOneLineError(Run run, int exitCode, String fragment) {
        assertEquals(exitCode, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(fragment), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals("", run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "compare", "gradients", "info"})
    void everyCommandHasHelp(String command) {
        Run run = Run.of(command, "--help");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Usage: gradlab " + command), run.out());
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Run run = Run.of("--help");
        assertEquals(0, run.exitCode());
        for (String command : List.of("train", "evaluate", "gradients", "info")) {
            assertTrue(run.out().contains(command), run.out());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        assertOneLineError(Run.of(), 2, "missing command");
    }

    @Test
    void negativeEpochsIsAUsageError() {
        assertOneLineError(Run.of("train", "--epochs", "-1"), 2, "'--epochs': must be >= 1, got -1");
    }

    @Test
    void unknownActivationIsAUsageError() {
        assertOneLineError(Run.of("train", "--activation", "foo"), 2, "sigmoid, relu, requ, tanh");
    }

    @Test
    void malformedNumbersAndUnknownOptionsAreUsageErrors() {
        assertOneLineError(Run.of("train", "--lr", "fast"), 2, "--lr");
        assertOneLineError(Run.of("train", "--hidden", "16,0"), 2, "--hidden");
        assertOneLineError(Run.of("train", "--frobnicate"), 2, "--frobnicate");
        assertOneLineError(Run.of("train", "--sigma", "0.1"), 2, "does not apply to --method backprop");
        assertOneLineError(Run.of("train", "--optimizer", "adam", "--momentum", "0.5"), 2, "--momentum");
        assertOneLineError(Run.of("gradients", "--sweep", "100,10"), 2, "populations must increase");
        assertOneLineError(Run.of("evaluate"), 2, "--weights");
        assertOneLineError(Run.of("train", "--lr-schedule", "step:10"), 2, "got 'step:10'");
        assertOneLineError(Run.of("train", "--warmup", "0"), 2, "'--warmup': must be >= 1, got 0");
    }

    @Test
    void missingDataDirectoryIsAFailure() {
        assertOneLineError(
                Run.of("train", "--data", "/nonexistent", "--out", dir.toString()),
                1,
                "data directory /nonexistent does not exist");
    }

    @Test
    void missingOrCorruptWeightsAreFailures() throws IOException {
        assertOneLineError(
                Run.of("evaluate", "--weights", dir.resolve("none.bin").toString()), 1, "no such file");
        Path bad = dir.resolve("bad.bin");
        Files.writeString(bad, "GRADLABW and then nonsense");
        assertOneLineError(
                Run.of("evaluate", "--weights", bad.toString()),
                1,
                bad + ": at byte 0: not a safetensors file (expected a model.safetensors written by gradlab train");
        Path notSafetensors = dir.resolve("bad.safetensors");
        Files.writeString(notSafetensors, "{\"0.weight\": 1}");
        assertOneLineError(
                Run.of("evaluate", "--weights", notSafetensors.toString()),
                1,
                notSafetensors + ": at byte 0: not a safetensors file");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Run run = Run.of(
                "evaluate", "--verbose", "--weights", dir.resolve("none.bin").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void infoReportsTheSimdSetup() {
        Run run = Run.of("info");
        assertEquals(0, run.exitCode(), run.err());
        for (String key : List.of("java", "vector", "kernels", "species", "threads")) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(key)), run.out());
        }
        // Surefire runs the tests with the incubator module, so the species is known.
        assertTrue(run.out().contains(" bits, "), run.out());
    }

    @Test
    void tinyTrainingRunWritesItsFilesAndEvaluateAgrees() throws IOException {
        Path out = dir.resolve("run");
        Run train = Run.of("train", "--epochs", "2", "--hidden", "16", "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("Epoch 1, cost = "), train.out());
        assertTrue(train.out().contains("Epoch 2, cost = "), train.out());
        assertTrue(train.lastLine().matches("test accuracy \\d+\\.\\d\\d%"), train.lastLine());

        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(MetricsCsv.HEADER, csv.get(0));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(2).startsWith("2,"), csv.get(2));
        String[] row = csv.get(2).split(",");
        assertEquals(7, row.length, csv.get(2));
        assertTrue(
                Double.parseDouble(row[6]) > 0 && Double.parseDouble(row[6]) <= Double.parseDouble(row[5]), csv.get(2));
        assertTrue(ChartsTest.isPng(out.resolve("training.png")));

        Path weights = out.resolve("model.safetensors");
        SavedModel saved = ModelFile.load(weights);
        assertEquals(
                Architecture.of(784, new int[] {16}, 10, Activation.SIGMOID, false)
                        .spec(),
                saved.spec());
        assertEquals("2", saved.info().get("epochs"));

        Run evaluate = Run.of("evaluate", "--weights", weights.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertEquals(train.lastLine(), evaluate.lastLine());
    }

    @Test
    void aGeneticRunWritesItsGenomeAndEvaluateRebuildsItsAccuracy() throws IOException {
        Path out = dir.resolve("ga");
        Run train = Run.of(
                "train",
                "--method",
                "ga",
                "--epochs",
                "2",
                "--hidden",
                "16",
                "--population",
                "12",
                "--parents",
                "3",
                "--elites",
                "2",
                "--sigma",
                "0.02",
                "--out",
                out.toString(),
                "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("ga P=12 T=3 E=2 low-rank(r=1) sigma 0.02 holdout 100"), train.out());
        assertTrue(train.out().contains("Epoch 2, cost = "), train.out());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size());
        assertTrue(ChartsTest.isPng(out.resolve("training.png")));

        Path genome = out.resolve(dev.gradlab.optim.Genome.FILE_NAME);
        var g = dev.gradlab.optim.Genome.read(genome);
        assertEquals(
                Architecture.of(784, new int[] {16}, 10, Activation.SIGMOID, false)
                        .spec(),
                g.spec());
        assertEquals(g.fileLength(), Files.size(genome));
        assertTrue(g.mutations().length >= 1 && g.mutations().length <= 18, g.toString()); // 2 epochs × 9 batches

        Run evaluate = Run.of("evaluate", "--genome", genome.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertTrue(evaluate.out().contains(g.mutations().length + " mutations; rebuilt in "), evaluate.out());
        assertEquals(train.lastLine(), evaluate.lastLine());
        assertEquals(
                train.lastLine(),
                Run.of("evaluate", "--weights", out.resolve("model.safetensors").toString())
                        .lastLine());
        // --overwrite accepts a GA run's directory: genome.bin is one of a run's files.
        assertEquals(
                0,
                Run.of(
                                "train",
                                "--method",
                                "ga",
                                "--epochs",
                                "1",
                                "--hidden",
                                "8",
                                "--population",
                                "4",
                                "--parents",
                                "2",
                                "--elites",
                                "1",
                                "--out",
                                out.toString(),
                                "--overwrite",
                                "--no-progress")
                        .exitCode());
    }

    @Test
    void compareRunsEachMethodAndDrawsTheirCurves() throws IOException {
        Path out = dir.resolve("compare");
        Run run = Run.of(
                "compare", "--methods", "backprop,ga", "--epochs", "2", "--hidden", "8", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (String m : List.of("backprop", "ga")) {
            List<String> csv = Files.readAllLines(out.resolve(m).resolve("metrics.csv"));
            assertEquals(3, csv.size(), csv.toString());
            String accuracy = String.format(
                    java.util.Locale.ROOT,
                    "%.2f%%",
                    100 * Double.parseDouble(csv.get(2).split(",")[3]));
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(m + " ") && l.contains(accuracy)), run.out());
        }
        assertTrue(Files.exists(out.resolve("ga").resolve("genome.bin")));
        assertTrue(ChartsTest.isPng(out.resolve(CompareCommand.CHART)));
        assertOneLineError(Run.of("compare", "--out", out.toString()), 2, "must be absent or an empty directory");
    }

    @Test
    void geneticSettingsThatCannotWorkAreUsageErrors() {
        assertOneLineError(
                Run.of("train", "--method", "ga", "--parents", "30", "--population", "20"),
                2,
                "'--parents': must satisfy 1 <= E <= T <= P and E < P for elites E, parents T and population P, got E = 5,"
                        + " T = 30, P = 20");
        assertOneLineError(
                Run.of("train", "--method", "ga", "--lr", "0.1"), 2, "option '--lr' does not apply to --method ga");
        assertOneLineError(
                Run.of("train", "--parents", "3"), 2, "option '--parents' does not apply to --method backprop");
        assertOneLineError(Run.of("evaluate"), 2, "give exactly one of --weights FILE and --genome FILE");
    }

    @Test
    void aScheduledRunNamesItsSchedule() {
        Run run = Run.of(
                "train",
                "--epochs",
                "2",
                "--hidden",
                "8",
                "--lr-schedule",
                "step:1:0.5",
                "--warmup",
                "1",
                "--out",
                dir.resolve("scheduled").toString(),
                "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().lines().findFirst().orElseThrow().contains("schedule warmup:1,step:1:0.5"), run.out());
    }

    @Test
    void esAndFdTrainAndPrintWithoutAProgressBarOnStdout() {
        Run es = Run.of(
                "train",
                "--method",
                "es",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--population",
                "4",
                "--out",
                dir.resolve("es").toString(),
                "--progress");
        assertEquals(0, es.exitCode(), es.err());
        assertTrue(es.lastLine().startsWith("test accuracy "), es.out());
        assertFalse(es.out().contains("\r") || es.out().contains("\033"), es.out());
        assertTrue(es.err().contains("train"), es.err());

        Run fd = Run.of(
                "train",
                "--method",
                "fd",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--population",
                "4",
                "--out",
                dir.resolve("fd").toString(),
                "--no-progress");
        assertEquals(0, fd.exitCode(), fd.err());
        assertEquals("", fd.err());
    }

    @Test
    void gradientsPrintsTheTableAndDrawsTheSweep() throws IOException {
        Path out = dir.resolve("gradients");
        Run run = Run.of(
                "gradients",
                "--hidden",
                "4",
                "--batch",
                "20",
                "--population",
                "8",
                "--sweep",
                "2,8",
                "--out",
                out.toString());
        assertEquals(0, run.exitCode(), run.err());
        String backprop = run.out()
                .lines()
                .filter(l -> l.startsWith("backprop"))
                .findFirst()
                .orElseThrow();
        assertTrue(backprop.contains("1.0000"), backprop);
        // A small network gets the full central differences, which must agree with backprop.
        String central = run.out()
                .lines()
                .filter(l -> l.startsWith("fd central"))
                .findFirst()
                .orElseThrow();
        double cosine = Double.parseDouble(central.substring(42).strip().split("\\s+")[0]);
        assertTrue(cosine > 0.99, central);
        assertTrue(ChartsTest.isPng(out.resolve("cosine.png")));
        assertTrue(Files.readString(out.resolve("gradients.csv")).contains("sweep: es antithetic"));
    }
}

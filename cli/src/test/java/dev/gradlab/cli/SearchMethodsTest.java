package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.Checkpoint;
import dev.gradlab.optim.search.SearchStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train} and {@code compare} with {@code --method pgpe|snes} on images. */
class SearchMethodsTest {

    @TempDir
    Path dir;

    private static Run train(Path out, String method, String... more) {
        List<String> args = new ArrayList<>(
                List.of("train", "--method", method, "--population", "4", "--out", out.toString(), "--no-progress"));
        args.addAll(List.of(more));
        return Run.of(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pgpe", "snes"})
    void trainWritesEpochMetricsAModelAndACheckpointThatResumesBitForBit(String method) throws IOException {
        Path straight = dir.resolve("straight");
        Run three = train(straight, method, "--hidden", "8", "--shuffle", "--epochs", "3");
        assertEquals(0, three.exitCode(), three.err());
        assertTrue(
                three.out()
                        .lines()
                        .findFirst()
                        .orElseThrow()
                        .contains(", " + method + " P=4 sigma " + Method.valueOf(method.toUpperCase(Locale.ROOT)).sigma
                                + ", "),
                three.out());
        List<String> csv = Files.readAllLines(straight.resolve(MetricsCsv.FILE_NAME));
        assertEquals(4, csv.size(), csv.toString());
        String accuracy = String.format(
                Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(csv.get(3).split(",")[3]));
        assertEquals("test accuracy " + accuracy, three.lastLine());
        for (String file :
                List.of("model.safetensors", "training.png", Checkpoint.FILE_NAME, SearchStateFile.FILE_NAME)) {
            assertTrue(Files.exists(straight.resolve(file)), file);
        }

        Path stopped = dir.resolve("stopped");
        assertEquals(
                0,
                train(stopped, method, "--hidden", "8", "--shuffle", "--epochs", "2")
                        .exitCode());
        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "3", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(!resumed.out().contains("Epoch 2,") && resumed.out().contains("Epoch 3,"), resumed.out());
        assertEquals(three.lastLine(), resumed.lastLine());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
        assertArrayEquals(
                Files.readAllBytes(straight.resolve(SearchStateFile.FILE_NAME)),
                Files.readAllBytes(stopped.resolve(SearchStateFile.FILE_NAME)));
    }

    @Test
    void theReferenceConvnetTrainsByPgpe() {
        Run run = train(dir.resolve("cnn"), "pgpe", "--model", "cnn", "--epochs", "1", "--batch", "500");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Epoch 1, cost = "), run.out());
        assertTrue(run.lastLine().startsWith("test accuracy "), run.out());
    }

    @Test
    void optionsThatDoNotApplyAndSettingsThatCannotWorkAreUsageErrors() {
        String[][] cases = {
            {"pgpe", "--optimizer", "sgd", "option '--optimizer' does not apply to --method pgpe"},
            {"snes", "--rank", "2", "option '--rank' does not apply to --method snes"},
            {"pgpe", "--sigma", "0", "Invalid value for option '--sigma': must be finite and > 0, got 0.0"},
            {"snes", "--lr", "0", "Invalid value for option '--lr': must be finite and > 0, got 0.0"},
            {"pgpe", "--cluster", "127.0.0.1:5701", "option '--cluster' applies to --method es or ga, got --method pgpe"
            }
        };
        for (String[] c : cases) {
            Run run = train(dir.resolve("refused"), c[0], "--hidden", "8", c[1], c[2]);
            assertEquals(Main.USAGE, run.exitCode(), run.err());
            assertTrue(run.err().contains(c[3]), run.err());
            assertEquals("", run.out());
        }
        Run odd = Run.of(
                "train",
                "--method",
                "pgpe",
                "--hidden",
                "8",
                "--population",
                "5",
                "--out",
                dir.resolve("odd").toString());
        assertEquals(Main.USAGE, odd.exitCode(), odd.err());
        assertTrue(odd.err().contains("Invalid value for option '--population': must be even"), odd.err());
    }

    @Test
    void compareDrawsPgpeAndSnesBesideEs() throws IOException {
        Path out = dir.resolve("compare");
        Run run = Run.of(
                "compare", "--methods", "es,pgpe,snes", "--epochs", "2", "--hidden", "8", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (String m : List.of("es", "pgpe", "snes")) {
            List<String> csv = Files.readAllLines(out.resolve(m).resolve(MetricsCsv.FILE_NAME));
            assertEquals(3, csv.size(), csv.toString());
            String accuracy = String.format(
                    Locale.ROOT, "%.2f%%", 100 * Double.parseDouble(csv.get(2).split(",")[3]));
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(m + " ") && l.contains(accuracy)), run.out());
        }
        assertTrue(ChartsTest.isPng(out.resolve(CompareCommand.CHART)));
    }
}

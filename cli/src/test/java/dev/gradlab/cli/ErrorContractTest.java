package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's refusal of a setting is a usage error naming the option (exit 2); any other exception
 * from the library is a failure (exit 1), with its stack trace under --verbose.
 */
class ErrorContractTest {

    @TempDir
    Path dir;

    private static void assertExit(Run run, int code, String fragment) {
        assertEquals(code, run.exitCode(), run.err());
        assertTrue(run.err().contains(fragment), run.err());
    }

    @Test
    void aSettingTheLibraryRefusesNamesTheOption() {
        assertExit(Run.of("train", "--method", "es", "--population", "0"), 2, "'--population': must be >= 1, got 0");
        assertExit(Run.of("train", "--method", "fd", "--sigma", "-1"), 2, "'--sigma': must be finite and > 0");
        assertExit(Run.of("train", "--method", "ga", "--elites", "0"), 2, "'--elites': must be >= 1, got 0");
        assertExit(Run.of("train", "--method", "es", "--rank", "0"), 2, "'--rank': must be >= 1");
        assertExit(Run.of("train", "--max-loss", "-1"), 2, "'--max-loss': must be > 0");
        assertExit(Run.of("train", "--lr", "-0.5"), 2, "'--lr': must be finite and >= 0.0, got -0.5");
    }

    @Test
    void aLibraryErrorThatIsNoSettingIsAFailure() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(
                0,
                Run.of("train", "--epochs", "1", "--hidden", "8", "--out", out.toString(), "--no-progress")
                        .exitCode());
        // A checkpoint whose command line names another network than its weights: restoring it fails.
        Path file = out.resolve(Checkpoint.FILE_NAME);
        Checkpoint c = Checkpoint.read(file);
        Map<String, String> info = new HashMap<>(c.info());
        info.put("args", info.get("args").replace("--hidden\n8", "--hidden\n9"));
        new Checkpoint(
                        c.parameters(),
                        c.optimizer(),
                        c.estimator(),
                        c.epoch(),
                        c.step(),
                        c.lossEvaluations(),
                        c.elapsedNanos(),
                        c.trainingNanos(),
                        info)
                .write(file);

        Run run = Run.of("train", "--resume", out.toString(), "--epochs", "2", "--no-progress");
        assertExit(run, 1, "gradlab train: ");
        assertFalse(
                run.err().contains("usage")
                        || run.err().contains("--help")
                        || run.err().contains("\tat "),
                run.err());
        Run verbose = Run.of("train", "--verbose", "--resume", out.toString(), "--epochs", "2", "--no-progress");
        assertExit(verbose, 1, "\tat ");
    }

    @Test
    void threadsHaveAMaximum() {
        Run run = Run.of(
                "train",
                "--threads",
                "1000",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--no-progress",
                "--out",
                dir.resolve("t").toString());
        assertExit(run, 2, "'--threads': must be in [1, 256], got 1000");
        assertEquals("", run.out());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A number that float32 cannot hold (it would round to 0 or to infinity) is refused, naming the option. */
class FloatOptionsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "--lr, 1e-46, backprop, rounds to 0",
        "--momentum, 1e-50, backprop, rounds to 0",
        "--sigma, 1e-50, es, rounds to 0",
        "--sigma, 1e39, es, beyond float range",
        "--lr, -1e39, es, beyond float range",
        "--max-loss, 1e-46, backprop, rounds to 0",
    })
    void aValueFloat32CannotHoldIsAUsageError(String option, String value, String method, String problem) {
        Run run = Run.of("train", "--method", method, option, value, "--epochs", "1", "--out", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(
                run.err().contains("'" + option + "'")
                        && run.err().contains(problem)
                        && run.err().contains(value),
                run.err());
    }
}

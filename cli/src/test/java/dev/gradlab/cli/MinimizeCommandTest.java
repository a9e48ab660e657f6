package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MinimizeCommandTest {

    private static final Pattern LAST = Pattern.compile("best f = (\\S+) after (\\d+) evaluations");

    @Test
    void cmaEsOnTheEllipsoidEndsWithTheBestValueAndTheEvaluationsUsed() {
        Run run = Run.of(
                "minimize",
                "--function",
                "ellipsoid",
                "--dim",
                "10",
                "--budget",
                "10000",
                "--strategy",
                "cmaes",
                "--threads",
                "2");
        assertEquals(0, run.exitCode(), run.err());
        Matcher m = LAST.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertTrue(Double.parseDouble(m.group(1)) < 1e-8, run.lastLine());
        assertTrue(Long.parseLong(m.group(2)) <= 10_000, run.lastLine());
    }

    @Test
    void everyStrategyRunsOnTheSphere() {
        for (String strategy : new String[] {"es", "pgpe", "snes", "cmaes"}) {
            Run run =
                    Run.of("minimize", "--function", "sphere", "--dim", "2", "--budget", "300", "--strategy", strategy);
            assertEquals(0, run.exitCode(), run.err());
            Matcher m = LAST.matcher(run.lastLine());
            assertTrue(m.matches(), run.lastLine());
            assertTrue(Double.parseDouble(m.group(1)) <= 0.02, strategy + ": " + run.lastLine());
        }
    }

    @Test
    void badSettingsNameTheirOption() {
        Run unknown = Run.of("minimize", "--function", "ackley");
        assertEquals(2, unknown.exitCode());
        assertTrue(
                unknown.err()
                        .contains("Invalid value for option '--function': must be one of [sphere, ellipsoid,"
                                + " rastrigin, rosenbrock], got 'ackley'"),
                unknown.err());
        Run strategy = Run.of("minimize", "--strategy", "nes");
        assertEquals(2, strategy.exitCode());
        assertTrue(strategy.err().contains("'--strategy'"), strategy.err());
        Run budget = Run.of("minimize", "--budget", "3");
        assertEquals(2, budget.exitCode());
        assertTrue(
                budget.err().contains("Invalid value for option '--budget': must leave room for one generation"),
                budget.err());
        Run dim = Run.of("minimize", "--function", "rosenbrock", "--dim", "1");
        assertEquals(2, dim.exitCode());
        assertTrue(dim.err().contains("'--dim'"), dim.err());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** graph, backprop-trace and gradient-stats, at tiny sizes. */
class LearnCommandsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"graph", "backprop-trace", "gradient-stats"})
    void everyCommandHasHelp(String command) {
        Run run = Run.of(command, "--help");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Usage: gradlab " + command), run.out());
    }

    @Test
    void graphWritesTheDotOfTheChosenNetwork() throws IOException {
        Path out = dir.resolve("graph");
        Run run = Run.of(
                "graph", "--hidden", "8,4", "--activation", "requ", "--bias", "--batch", "3", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.lastLine().contains(out.toString()), run.out());
        String dot = Files.readString(out.resolve("tape.dot"));
        // 3 layers: 3 matmuls and 3 bias adds, 2 ReQUs, cross-entropy.
        assertEquals(9, dot.split("shape=box", -1).length - 1, dot);
        assertTrue(dot.contains("4.weight\\n[10, 4]"), dot);
        assertTrue(dot.contains("x (input)\\n[3, 784]"), dot);
        assertTrue(dot.contains("ReQUFunction\\nforward: z = x²·[x>0]\\nbackward: ∂L/∂x = ∂L/∂z·2x·[x>0]"), dot);
    }

    @Test
    void graphRendersPngAndSvgWhenDotIsInstalled() throws IOException {
        assumeTrue(Graphviz.available(), "Graphviz's dot is not installed");
        Path out = dir.resolve("rendered");
        Run run = Run.of("graph", "--hidden", "4", "--batch", "2", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(ChartsTest.isPng(out.resolve("tape.png")));
        assertTrue(Files.exists(out.resolve("tape.svg")));
    }

    @Test
    void backpropTraceMatchesCentralDifferencesAndWritesTheTrace() throws IOException {
        Path out = dir.resolve("trace");
        Run run = Run.of("backprop-trace", "--activation", "tanh", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("∂L/∂z1[0] = ∂L/∂h1[0] · tanh'(z1[0]) = "), run.out());
        String worst = run.out()
                .lines()
                .filter(l -> l.startsWith("largest |backprop"))
                .findFirst()
                .orElseThrow();
        assertTrue(Double.parseDouble(worst.substring(worst.indexOf('=') + 1).strip()) < 1e-3, worst);
        assertTrue(Files.readString(out.resolve("trace.txt")).contains("parameter gradients"));
    }

    @Test
    void gradientStatsAtTinySizesWritesEveryFigure() throws IOException {
        Path out = dir.resolve("stats");
        Run run = Run.of(
                "gradient-stats",
                "--depth",
                "2",
                "--width",
                "6",
                "--epochs",
                "1",
                "--hidden",
                "6",
                "--batches",
                "1,20",
                "--draws",
                "2",
                "--train-epochs",
                "1",
                "--epsilons",
                "0,0.1",
                "--out",
                out.toString());
        assertEquals(0, run.exitCode(), run.err());
        for (String png : new String[] {"vanishing.png", "noise.png", "fgsm.png", "fgsm-examples.png"}) {
            assertTrue(ChartsTest.isPng(out.resolve(png)), png);
        }
        assertTrue(run.out().contains("ε = 0.1 "), run.out());
        assertEquals(
                4 * 10 * 3 + 1, Files.readAllLines(out.resolve("vanishing.csv")).size());
        Run bad = Run.of("gradient-stats", "--parts", "vanishing,colour");
        assertEquals(Main.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("expected one of vanishing, noise, fgsm, got 'colour'"), bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gradients with respect to a network's input: {@code x.requiresGrad(true)}, backward, {@code x.grad()}. */
class InputGradientTest {

    @Test
    void inputGradientOfAnMlpPassesGradCheck() {
        SplittableRandom random = new SplittableRandom(5);
        for (Module act : new Module[] {new Sigmoid(), new ReLU()}) {
            var model = new Sequential(new Linear(12, 7, true, 1), act, new Linear(7, 4, true, 2));
            Tensor x = Checks.uniform(random, 0, 1, 3, 12).requiresGrad(true);
            int[] labels = {0, 2, 3};
            GradCheck.Result r = GradCheck.check(
                            () -> Losses.crossEntropy(model.forward(x), labels),
                            Map.of("input", x),
                            GradCheck.Options.DEFAULTS.withEps(1e-3))
                    .orThrow();
            assertEquals(36, r.checked(), r.describe());
        }
    }

    @Test
    void anInputThatDoesNotAskForAGradientGetsNone() {
        var model = new Sequential(new Linear(3, 2, false, 1));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        Losses.crossEntropy(model.forward(x), new int[] {1}).backward();
        assertNull(x.grad());
        assertFalse(x.requiresGrad());
    }

    @Test
    void inputGradientOfOneLinearLayerIsWeightTransposedTimesOutputGradient() {
        // L = Σ (x Wᵀ) = Σ_i Σ_j W[i][j] x[j], so dL/dx[j] = Σ_i W[i][j].
        var layer = new Linear(3, 2, false, 7);
        Tensor x = Tensor.of(new float[] {0.1f, 0.2f, 0.3f}, 1, 3).requiresGrad(true);
        layer.forward(x).sum().backward();
        float[] w = layer.weight().data();
        float[] expected = {w[0] + w[3], w[1] + w[4], w[2] + w[5]};
        assertArrayEquals(expected, x.grad().data(), 1e-6f);
    }

    @Test
    void gradCheckOnTheInputCatchesAWrongBackward() {
        SplittableRandom random = new SplittableRandom(9);
        Tensor x = Checks.awayFromZero(random, 0.2, 1, 2, 5).requiresGrad(true);
        Tensor w = Checks.uniform(random, -1, 1, 4, 5);
        GradCheck.Result r = GradCheck.check(
                () -> new GradCheckRejectsWrongBackwardTest.ReQUWithoutFactorTwo()
                        .apply(x)
                        .matmul(w, false, true)
                        .sum(),
                Map.of("input", x),
                GradCheck.Options.DEFAULTS);
        assertFalse(r.passed(), r.describe());
        assertEquals("input", r.tensor());
    }
}

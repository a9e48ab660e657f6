package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Losses;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FgsmTest {

    private static Tensor pixels(int rows, int features, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(0.1, 0.9);
        }
        return Tensor.wrap(x, rows, features);
    }

    private static float loss(Sequential model, Tensor x, int[] labels) {
        try (var scope = Tape.noGrad()) {
            return Losses.crossEntropy(model.forward(x), labels).item();
        }
    }

    @Test
    void inputGradientLeavesNoParameterGradientAndAgreesWithGradCheck() {
        Sequential model = Fixtures.tiny();
        Tensor x = pixels(4, 6, 1);
        int[] labels = Fixtures.labels(4, 3, 2);
        float[] g = Fgsm.inputGradient(model, x, labels).data();
        for (Tensor p : model.parameters()) {
            assertNull(p.grad());
        }
        assertNull(x.grad());
        Tensor leaf = x.copy().requiresGrad(true);
        GradCheck.check(
                        () -> Losses.crossEntropy(model.forward(leaf), labels),
                        Map.of("x", leaf),
                        GradCheck.Options.DEFAULTS.withEps(1e-3))
                .orThrow();
        assertArrayEquals(leaf.grad().data(), g, 1e-6f);
    }

    @Test
    void movesEveryPixelByEpsilonInTheSignOfTheGradientWithinTheUnitInterval() {
        Sequential model = Fixtures.tiny();
        Tensor x = pixels(5, 6, 3);
        x.data()[0] = 0.99f;
        x.data()[1] = 0.01f;
        int[] labels = Fixtures.labels(5, 3, 4);
        float eps = 0.05f;
        float[] g = Fgsm.inputGradient(model, x, labels).data();
        float[] adv = Fgsm.perturb(model, x, labels, eps).data();
        for (int i = 0; i < adv.length; i++) {
            float expected = Math.min(1f, Math.max(0f, x.data()[i] + eps * Math.signum(g[i])));
            assertEquals(expected, adv[i], 0f, "pixel " + i);
        }
        assertTrue(loss(model, Tensor.wrap(adv, 5, 6), labels) > loss(model, x, labels));
        assertArrayEquals(x.data(), Fgsm.perturb(model, x, labels, 0f).data());
        var e = assertThrows(IllegalArgumentException.class, () -> Fgsm.perturb(model, x, labels, -0.1f));
        assertTrue(e.getMessage().contains("epsilon must be a finite number >= 0, got -0.1"), e.getMessage());
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Test helpers: seeded random tensors and a gradient-check assertion. */
final class Checks {

    private Checks() {}

    /** Uniform values in [lo, hi). */
    static Tensor uniform(SplittableRandom random, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return t;
    }

    /** Values of random sign with magnitude in [min, max): kept away from a kink at 0 by construction. */
    static Tensor awayFromZero(SplittableRandom random, double min, double max, int... shape) {
        Tensor t = uniform(random, min, max, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (random.nextBoolean()) {
                d[i] = -d[i];
            }
        }
        return t;
    }

    static Tensor param(Tensor t) {
        return t.requiresGrad(true);
    }

    /** Asserts that GradCheck passes with default options for the given named tensors. */
    static GradCheck.Result assertGradients(Supplier<Tensor> loss, Object... namesAndTensors) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTensors.length; i += 2) {
            named.put((String) namesAndTensors[i], (Tensor) namesAndTensors[i + 1]);
        }
        GradCheck.Result result = GradCheck.check(loss, named, GradCheck.Options.DEFAULTS);
        assertTrue(result.passed(), result::describe);
        assertTrue(result.checked() > 0, "nothing was checked");
        return result;
    }
}

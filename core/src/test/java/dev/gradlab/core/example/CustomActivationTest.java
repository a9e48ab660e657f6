package dev.gradlab.core.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import org.junit.jupiter.api.Test;

/** The documented extension path, from outside the core package: a user activation in an MLP. */
class CustomActivationTest {

    @Test
    void aUserActivationTrainsLikeABuiltInOne() {
        var model = new Sequential(new Linear(6, 5, true, 1), new SoftplusLayer(), new Linear(5, 3, true, 2));
        Tensor x = Tensor.uniform(3, -1, 1, 4, 6);
        GradCheck.Result result =
                GradCheck.check(model, x, new int[] {0, 2, 1, 2}).orThrow();
        assertEquals(6 * 5 + 5 + 5 * 3 + 3, result.checked());
    }

    @Test
    void softplusValues() {
        Tensor y = new Softplus().apply(Tensor.of(new float[] {0f, 100f, -100f}, 3));
        assertEquals(Math.log(2), y.data()[0], 1e-7);
        assertEquals(100f, y.data()[1]);
        assertTrue(y.data()[2] >= 0 && y.data()[2] < 1e-40);
    }
}

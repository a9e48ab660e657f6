package dev.gradlab.optim.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.InvalidSettingException;
import org.junit.jupiter.api.Test;

class TestFunctionTest {

    @Test
    void everyFunctionIsZeroAtItsShiftedOptimum() {
        for (TestFunction.Kind kind : TestFunction.Kind.values()) {
            TestFunction f = TestFunction.of(kind, 7, 11);
            float[] opt = f.optimum();
            assertEquals(0.0, f.evaluate(opt), 0.0, kind.toString());
            double norm = 0;
            for (float v : opt) {
                norm += v * v;
                assertTrue(Math.abs(v) <= 4);
            }
            assertTrue(norm > 1, kind + ": the optimum is not shifted off the origin");
            assertTrue(f.evaluate(new float[7]) > 0, kind.toString());
        }
    }

    @Test
    void valuesFromTheDefinitions() {
        // T_osz(1) = exp(0) = 1 and T_osz(−1) = −1: one unit off on each axis gives the weights themselves.
        assertEquals(1.0, TestFunction.oscillate(1), 0);
        assertEquals(-1.0, TestFunction.oscillate(-1), 0);
        TestFunction ellipsoid = TestFunction.of(TestFunction.Kind.ELLIPSOID, 2, 0);
        float[] x = ellipsoid.optimum();
        float[] opt = ellipsoid.optimum();
        x[0] += 1;
        x[1] -= 1;
        // x is float: the offsets are 1 up to the rounding of x_opt ± 1, and T_osz's slope at ±1 is under 2.
        double z0 = (double) x[0] - opt[0];
        double z1 = (double) x[1] - opt[1];
        assertEquals(1, z0, 1e-6);
        assertEquals(-1, z1, 1e-6);
        assertEquals(1 + 1e6, ellipsoid.evaluate(x), 2 * 2e-6 * 1e6);
        assertEquals(
                TestFunction.oscillate(z0) * TestFunction.oscillate(z0)
                        + 1e6 * TestFunction.oscillate(z1) * TestFunction.oscillate(z1),
                ellipsoid.evaluate(x),
                1e-6);

        TestFunction sphere = TestFunction.of(TestFunction.Kind.SPHERE, 3, 0);
        float[] o = sphere.optimum();
        assertEquals(
                (double) o[0] * o[0] + (double) o[1] * o[1] + (double) o[2] * o[2],
                sphere.evaluate(new float[3]),
                1e-12);

        // Rosenbrock, D = 2 (scale 1): at x = x_opt − 1 on the first axis, z = (0, 1): 100·(0 − 1)² + 1 = 101.
        TestFunction rosenbrock = TestFunction.of(TestFunction.Kind.ROSENBROCK, 2, 0);
        float[] r = rosenbrock.optimum();
        r[0] -= 1;
        assertEquals(101.0, rosenbrock.evaluate(r), 1e-9);

        // Rastrigin, D = 1 (exponents 0): at x_opt + 0.5, z = T_osz(0.5), f = 10(1 − cos 2πz) + z².
        TestFunction rastrigin = TestFunction.of(TestFunction.Kind.RASTRIGIN, 1, 0);
        float[] q = rastrigin.optimum();
        double z = Math.exp(Math.log(0.5) + 0.049 * (Math.sin(10 * Math.log(0.5)) + Math.sin(7.9 * Math.log(0.5))));
        q[0] += 0.5f;
        double dz = (double) q[0] - rastrigin.optimum()[0];
        assertEquals(0.5, dz, 0);
        assertEquals(10 * (1 - Math.cos(2 * Math.PI * z)) + z * z, rastrigin.evaluate(q), 1e-12);
    }

    @Test
    void rosenbrockNeedsTwoDimensions() {
        var e = assertThrows(InvalidSettingException.class, () -> TestFunction.of(TestFunction.Kind.ROSENBROCK, 1, 0));
        assertEquals("dim", e.setting());
    }
}

package dev.gradlab.simd;

import static dev.gradlab.simd.KernelsTestData.ulps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

/**
 * The approximations against double-precision references, through both kernels. Bounds, in units in
 * the last place of the float result (measured maxima over 2·10^7 random arguments in brackets):
 * exp ≤ 2 (1.01), log ≤ 2 (1.16), tanh ≤ 2 (1.33), sigmoid ≤ 3 (2.48, from 1/(1 + e^-x)),
 * sin/cos of the Gaussian's angle within 1.5e-7 absolute (8.4e-8).
 */
class ActivationAccuracyTest {

    static final List<Kernels> BOTH =
            List.of(Simd.scalar().kernels(), Simd.vector().kernels());

    @Test
    void expIsWithinTwoUlpsOverItsWholeRange() {
        assertMaxUlps("exp", Math::exp, FloatMath.EXP_UNDERFLOW, FloatMath.EXP_OVERFLOW, Kernels::exp, 2);
        assertMaxUlps("exp near 0", Math::exp, -1e-3f, 1e-3f, Kernels::exp, 2);
    }

    @Test
    void tanhIsWithinTwoUlps() {
        assertMaxUlps("tanh", Math::tanh, -12f, 12f, Kernels::tanh, 2);
        assertMaxUlps("tanh small", Math::tanh, -1f, 1f, Kernels::tanh, 2); // both branches and their seam
        assertMaxUlps("tanh tiny", Math::tanh, -1e-4f, 1e-4f, Kernels::tanh, 2);
    }

    @Test
    void sigmoidIsWithinThreeUlpsWhereItsValueIsNormal() {
        // Below x ≈ -86.98 the value is under 2^-125: exp(-x) overflows to ∞ and sigmoid returns 0.
        assertMaxUlps("sigmoid", x -> 1 / (1 + Math.exp(-x)), -86.9f, 100f, Kernels::sigmoid, 3);
    }

    @Property(tries = 300)
    void expBelowTheNormalRangeIsWithinTwoToTheMinus125(@ForAll @FloatRange(min = -200f, max = -86f) float x) {
        for (Kernels k : BOTH) {
            float e = apply(k::exp, x);
            assertTrue(e >= 0f && Math.abs(e - Math.exp(x)) <= 0x1p-125, k + ": exp(" + x + ") = " + e);
            float s = apply(k::sigmoid, x);
            assertTrue(s >= 0f && Math.abs(s - 1 / (1 + Math.exp(-x))) <= 0x1p-125, k + ": sigmoid(" + x + ") = " + s);
        }
    }

    @Test
    void logKernelHandlesEveryInput() {
        float[] x = {
            0f,
            -0f,
            -1f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.MIN_VALUE,
            1e-40f,
            1f,
            2.5f,
            Float.MAX_VALUE,
            0.1f,
            7f,
            3f,
            1e-3f,
            9f,
            100f,
            1e30f
        };
        for (Kernels k : new Kernels[] {Simd.scalar().kernels(), Simd.vector().kernels()}) {
            float[] y = new float[x.length];
            k.log(x, 0, y, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) Math.log(x[i]);
                assertTrue(
                        Float.isNaN(expected)
                                ? Float.isNaN(y[i])
                                : Float.isInfinite(expected) ? y[i] == expected : ulps(y[i], Math.log(x[i])) <= 2,
                        k + ": log(" + x[i] + ") = " + y[i] + ", expected " + expected);
            }
        }
    }

    @Test
    void logIsWithinTwoUlps() {
        Random random = new Random(3);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            // Uniform over the bit patterns of positive normal floats: every binade equally.
            float x = Float.intBitsToFloat(0x00800000 + random.nextInt(0x7F7FFFFF - 0x00800000));
            worst = Math.max(worst, ulps(FloatMath.log(x), Math.log(x)));
        }
        assertTrue(worst <= 2, "log: " + worst + " ulps");
        assertEquals(0f, FloatMath.log(1f));
    }

    @Test
    void sinAndCosOfAQuarterTurnAreWithinOnePointFiveTimesTenToTheMinusSeven() {
        for (int i = -50_000; i <= 50_000; i++) {
            float t = i / 100_000f;
            assertEquals(Math.sin(t * Math.PI / 2), FloatMath.sinHalfPi(t), 1.5e-7, "sin at t=" + t);
            assertEquals(Math.cos(t * Math.PI / 2), FloatMath.cosHalfPi(t), 1.5e-7, "cos at t=" + t);
        }
    }

    @Test
    void reluAndReQUPassNaNOnAsPyTorchDoes() {
        // A NaN that an activation turned into 0 would hide a diverged network from the loss.
        float[] x = {Float.NaN, -1f, 0f, 2f, Float.NaN, -3f, 1f, 0.5f, Float.NaN};
        for (Kernels k : BOTH) {
            float[] relu = new float[x.length];
            float[] requ = new float[x.length];
            k.relu(x, 0, relu, 0, x.length);
            k.requ(x, 0, requ, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                float expectedRelu = Float.isNaN(x[i]) ? Float.NaN : Math.max(x[i], 0f);
                float expectedRequ = Float.isNaN(x[i]) ? Float.NaN : x[i] > 0 ? x[i] * x[i] : 0f;
                assertEquals(expectedRelu, relu[i], k + " relu at " + i);
                assertEquals(expectedRequ, requ[i], k + " requ at " + i);
            }
        }
    }

    @Test
    void extremeInputsGiveTheLimitsAndNeverOverflow() {
        for (Kernels k : BOTH) {
            String name = k.toString();
            assertEquals(Float.POSITIVE_INFINITY, apply(k::exp, Float.POSITIVE_INFINITY), name);
            assertEquals(0f, apply(k::exp, Float.NEGATIVE_INFINITY), name);
            assertEquals(Float.POSITIVE_INFINITY, apply(k::exp, Math.nextUp(FloatMath.EXP_OVERFLOW)), name);
            assertTrue(Float.isFinite(apply(k::exp, FloatMath.EXP_OVERFLOW)), name);
            assertEquals(1f, apply(k::exp, 0f), name);
            assertEquals(1f, apply(k::exp, -0f), name);
            assertTrue(Float.isNaN(apply(k::exp, Float.NaN)), name);

            assertEquals(0.5f, apply(k::sigmoid, 0f), name);
            assertEquals(1f, apply(k::sigmoid, Float.POSITIVE_INFINITY), name);
            assertEquals(0f, apply(k::sigmoid, Float.NEGATIVE_INFINITY), name);
            assertEquals(1f, apply(k::sigmoid, 1e30f), name);
            assertEquals(0f, apply(k::sigmoid, -1e30f), name);
            assertEquals(1f, apply(k::sigmoid, Float.MAX_VALUE), name);
            assertEquals(0f, apply(k::sigmoid, -Float.MAX_VALUE), name);
            assertTrue(Float.isNaN(apply(k::sigmoid, Float.NaN)), name);

            assertEquals(1f, apply(k::tanh, Float.POSITIVE_INFINITY), name);
            assertEquals(-1f, apply(k::tanh, Float.NEGATIVE_INFINITY), name);
            assertEquals(1f, apply(k::tanh, 1e30f), name);
            assertEquals(-1f, apply(k::tanh, -Float.MAX_VALUE), name);
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(apply(k::tanh, -0f)), name);
            assertEquals(Float.MIN_VALUE, apply(k::tanh, Float.MIN_VALUE), name);
            assertTrue(Float.isNaN(apply(k::tanh, Float.NaN)), name);
        }
    }

    @Property(tries = 500)
    void sigmoidAndTanhStayInRangeAndKeepTheirSymmetries(@ForAll float x) {
        Assume.that(!Float.isNaN(x));
        for (Kernels k : BOTH) {
            float s = apply(k::sigmoid, x);
            float t = apply(k::tanh, x);
            assertTrue(s >= 0f && s <= 1f, k + ": sigmoid(" + x + ") = " + s);
            assertTrue(t >= -1f && t <= 1f, k + ": tanh(" + x + ") = " + t);
            assertEquals(-t, apply(k::tanh, -x), k + ": tanh is odd at " + x);
            // σ(x) + σ(-x) = 1 up to the roundings of the two evaluations.
            assertEquals(1f, s + apply(k::sigmoid, -x), 4 * 0x1p-24, k + ": sigmoid symmetry at " + x);
        }
    }

    interface Forward {
        void apply(float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    interface KernelForward {
        void apply(Kernels k, float[] x, int xOffset, float[] y, int yOffset, int n);
    }

    static float apply(Forward f, float x) {
        float[] y = new float[1];
        f.apply(new float[] {x}, 0, y, 0, 1);
        return y[0];
    }

    /** Max error over 300,000 evenly spaced and 300,000 random arguments in [lo, hi], through each kernel's array API. */
    static void assertMaxUlps(
            String name, DoubleUnaryOperator reference, float lo, float hi, KernelForward f, double bound) {
        int n = 600_000;
        float[] x = new float[n];
        Random random = new Random(name.hashCode());
        for (int i = 0; i < n / 2; i++) {
            x[i] = lo + (hi - lo) * i / (n / 2f);
            x[n / 2 + i] = lo + (hi - lo) * random.nextFloat();
        }
        float[] y = new float[n];
        for (Kernels k : BOTH) {
            f.apply(k, x, 0, y, 0, n);
            double worst = 0;
            float worstAt = 0;
            for (int i = 0; i < n; i++) {
                double u = ulps(y[i], reference.applyAsDouble(x[i]));
                if (u > worst) {
                    worst = u;
                    worstAt = x[i];
                }
            }
            assertTrue(worst <= bound, k + " " + name + ": " + worst + " ulps at x = " + worstAt);
        }
    }
}

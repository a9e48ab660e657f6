package dev.gradlab.simd;

import java.util.Random;

/** Test inputs for the kernel properties: random magnitudes mixed with the values kernels get wrong. */
final class KernelsTestData {

    /** Zeros, tiny and huge magnitudes, infinities and the approximations' branch points. */
    static final float[] SPECIAL = {
        0f,
        -0f,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MIN_NORMAL,
        -Float.MIN_NORMAL,
        1e-30f,
        -1e-30f,
        1e-7f,
        -1e-7f,
        1e30f,
        -1e30f,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        FloatMath.EXP_OVERFLOW,
        Math.nextUp(FloatMath.EXP_OVERFLOW),
        FloatMath.EXP_UNDERFLOW,
        Math.nextDown(FloatMath.EXP_UNDERFLOW),
        -87.5f,
        -103f,
        -104f,
        88f,
        89f,
        -88f,
        -89f,
        FloatMath.TANH_SMALL,
        Math.nextDown(FloatMath.TANH_SMALL),
        -FloatMath.TANH_SMALL,
        9f,
        -9f,
        20f,
        -20f,
    };

    private KernelsTestData() {}

    /**
     * {@code length} values from {@code seed}: a quarter special values when {@code specials}, the
     * rest normal samples scaled by a random power of ten from 1e-3 to 1e2.
     */
    static float[] values(long seed, int length, boolean specials) {
        Random random = new Random(seed);
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            if (specials && random.nextInt(4) == 0) {
                v[i] = SPECIAL[random.nextInt(SPECIAL.length)];
            } else {
                v[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6) - 3));
            }
        }
        return v;
    }

    /** Values in [0, 1], as saved sigmoid outputs are (tanh outputs: {@code 2v - 1}). */
    static float[] unitInterval(long seed, int length) {
        Random random = new Random(seed);
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextInt(8) == 0 ? random.nextInt(2) : random.nextFloat();
        }
        return v;
    }

    /** Distance in units in the last place of {@code expected} (as a float); 0 when both are equal or NaN. */
    static double ulps(float actual, double expected) {
        if (Double.isNaN(expected) && Float.isNaN(actual) || actual == expected) {
            return 0;
        }
        return Math.abs(actual - expected) / Math.ulp((float) expected);
    }
}

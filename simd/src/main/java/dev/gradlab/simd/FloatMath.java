package dev.gradlab.simd;

/**
 * Float approximations of exp, log, tanh and sin/cos shared by {@link ScalarKernels} and
 * {@link VectorKernels}, so that the two compute the same values: the Vector API's own
 * transcendental operations fall back to scalar loops on JDK 17 and are slower than these.
 * {@link VectorMath} evaluates the same formulas with the same constants, operation for operation
 * ({@code fma} where this class uses {@code Math.fma}), so the twins agree to the bit.
 *
 * <p>Each function reduces its argument to a small interval and evaluates a polynomial fitted
 * (near-minimax, weighted least squares) to the reduced function there:
 * <ul>
 *   <li>{@code exp(x) = 2^k · e^r}, {@code k = round(x·log2 e)}, {@code |r| ≤ ln2/2}; within 2 ulps
 *   of the true value; {@code +∞} above {@link #EXP_OVERFLOW}, 0 below {@link #EXP_UNDERFLOW}
 *   (where {@code e^x < 2^-125.4}: subnormal results are flushed to 0);</li>
 *   <li>{@code log(x) = e·ln2 + log(m)}, {@code m ∈ [√½, √2)}, for positive normal x; within 2 ulps;</li>
 *   <li>{@code tanh(x) = x + x³·P(x²)} for {@code |x| < 0.625}, else {@code ±(1 - 2/(e^{2|x|} + 1))};
 *   within 3 ulps;</li>
 *   <li>{@code sin(tπ/2)}, {@code cos(tπ/2)} for {@code t ∈ [-½, ½]}, within 1e-7 absolute.</li>
 * </ul>
 */
final class FloatMath {

    static final float LOG2E = 1.44269504f;
    /** ln 2 split in two (Cody–Waite): LN2_HI has 9 trailing zero bits, so k·LN2_HI is exact. */
    static final float LN2_HI = 0.693145751953125f;

    static final float LN2_LO = (float) (0.6931471805599453 - 0.693145751953125);
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low bits. */
    static final float ROUND_MAGIC = 12582912f;

    static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** The largest float whose exp is finite. */
    static final float EXP_OVERFLOW = 88.72283172607422f;
    /** Below this, k would leave the normal exponent range of the scale 2^(k-1). */
    static final float EXP_UNDERFLOW = -86.98f;

    // e^r ≈ 1 + r + r²·(E0 + E1 r + E2 r² + E3 r³ + E4 r⁴) on [-ln2/2, ln2/2], stored doubled (see exp).
    static final float E0 = 2 * 0.4999999403953552f;
    static final float E1 = 2 * 0.1666652113199234f;
    static final float E2 = 2 * 0.04166838899254799f;
    static final float E3 = 2 * 0.008368710055947304f;
    static final float E4 = 2 * 0.001381461275741458f;

    static final int SQRT_HALF_BITS = 0x3F3504F3;
    // log(1 + f) ≈ f + f²·(-½ + f·(L0 + L1 f + … + L6 f⁶)) on [√½ - 1, √2 - 1].
    static final float L0 = 0.3333390951156616f;
    static final float L1 = -0.2500133812427521f;
    static final float L2 = 0.19963063299655914f;
    static final float L3 = -0.1657758504152298f;
    static final float L4 = 0.14914768934249878f;
    static final float L5 = -0.14267486333847046f;
    static final float L6 = 0.08700430393218994f;

    /** Below this |x|, tanh uses its odd polynomial (1 - 2/(e^{2x}+1) would cancel). */
    static final float TANH_SMALL = 0.625f;
    // tanh(x) ≈ x + x³·(T0 + T1 x² + T2 x⁴ + T3 x⁶ + T4 x⁸) on |x| < 0.625.
    static final float T0 = -0.3333328068256378f;
    static final float T1 = 0.13331441581249237f;
    static final float T2 = -0.05373971536755562f;
    static final float T3 = 0.0206390880048275f;
    static final float T4 = -0.005704987328499556f;

    // sin(tπ/2) ≈ t·(S0 + S1 t² + S2 t⁴ + S3 t⁶), cos(tπ/2) ≈ 1 + t²·(C0 + C1 t² + C2 t⁴ + C3 t⁶), |t| ≤ ½.
    static final float S0 = 1.5707963705062866f;
    static final float S1 = -0.6459634900093079f;
    static final float S2 = 0.07968003302812576f;
    static final float S3 = -0.004601661115884781f;
    static final float C0 = -1.2337005138397217f;
    static final float C1 = 0.25366923213005066f;
    static final float C2 = -0.02086016535758972f;
    static final float C3 = 0.0009037665440700948f;

    private FloatMath() {}

    /** {@code e^x}; NaN stays NaN. */
    static float exp(float x) {
        if (x > EXP_OVERFLOW) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < EXP_UNDERFLOW) {
            return 0f;
        }
        float t = Math.fma(x, LOG2E, ROUND_MAGIC); // ROUND_MAGIC + k in its low bits
        float k = t - ROUND_MAGIC;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        // The polynomial returns 2·e^r and the scale is 2^(k-1): k = 128 (x near the overflow bound)
        // still has a normal scale.
        float halfScale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS + 126) << 23);
        float q = Math.fma(Math.fma(Math.fma(Math.fma(E4, r, E3), r, E2), r, E1), r, E0);
        float twiceExpR = Math.fma(r * r, q, r + r) + 2f;
        return twiceExpR * halfScale;
    }

    /** {@code ln x} for any x: {@link #log} for positive normal x, the JDK's log otherwise. */
    static float logAnywhere(float x) {
        return x >= Float.MIN_NORMAL && x < Float.POSITIVE_INFINITY ? log(x) : (float) Math.log(x);
    }

    /** {@code ln x} for positive normal x (the only inputs its callers give it). */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x) - SQRT_HALF_BITS;
        int e = bits >> 23; // x = 2^e · m with m in [√½, √2)
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) + SQRT_HALF_BITS);
        float f = m - 1f;
        float q = Math.fma(
                Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(L6, f, L5), f, L4), f, L3), f, L2), f, L1), f, L0);
        float log1pF = Math.fma(f * f, Math.fma(f, q, -0.5f), f);
        float ef = e;
        return Math.fma(ef, LN2_HI, Math.fma(ef, LN2_LO, log1pF));
    }

    /** {@code tanh x}; ±1 for large |x| and ±∞, NaN stays NaN. Evaluated at |x|, then signed (keeps -0). */
    static float tanh(float x) {
        float a = Math.abs(x);
        float t;
        if (a < TANH_SMALL) {
            float a2 = a * a;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(T4, a2, T3), a2, T2), a2, T1), a2, T0);
            t = Math.fma(a * a2, p, a);
        } else {
            t = 1f - 2f / (exp(a + a) + 1f); // e^{2a} = ∞ gives exactly 1
        }
        return Math.copySign(t, x);
    }

    /** {@code 1 / (1 + e^-x)}: e^-x = ∞ gives 0, so nothing overflows. */
    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /** {@code sin(tπ/2)} for {@code |t| ≤ ½}. */
    static float sinHalfPi(float t) {
        float t2 = t * t;
        return t * Math.fma(Math.fma(Math.fma(S3, t2, S2), t2, S1), t2, S0);
    }

    /** {@code cos(tπ/2)} for {@code |t| ≤ ½}. */
    static float cosHalfPi(float t) {
        float t2 = t * t;
        return Math.fma(t2, Math.fma(Math.fma(Math.fma(C3, t2, C2), t2, C1), t2, C0), 1f);
    }
}

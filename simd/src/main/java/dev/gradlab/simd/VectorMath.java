package dev.gradlab.simd;

import static dev.gradlab.simd.FloatMath.C0;
import static dev.gradlab.simd.FloatMath.C1;
import static dev.gradlab.simd.FloatMath.C2;
import static dev.gradlab.simd.FloatMath.C3;
import static dev.gradlab.simd.FloatMath.E0;
import static dev.gradlab.simd.FloatMath.E1;
import static dev.gradlab.simd.FloatMath.E2;
import static dev.gradlab.simd.FloatMath.E3;
import static dev.gradlab.simd.FloatMath.E4;
import static dev.gradlab.simd.FloatMath.EXP_OVERFLOW;
import static dev.gradlab.simd.FloatMath.EXP_UNDERFLOW;
import static dev.gradlab.simd.FloatMath.L0;
import static dev.gradlab.simd.FloatMath.L1;
import static dev.gradlab.simd.FloatMath.L2;
import static dev.gradlab.simd.FloatMath.L3;
import static dev.gradlab.simd.FloatMath.L4;
import static dev.gradlab.simd.FloatMath.L5;
import static dev.gradlab.simd.FloatMath.L6;
import static dev.gradlab.simd.FloatMath.LN2_HI;
import static dev.gradlab.simd.FloatMath.LN2_LO;
import static dev.gradlab.simd.FloatMath.LOG2E;
import static dev.gradlab.simd.FloatMath.ROUND_MAGIC;
import static dev.gradlab.simd.FloatMath.ROUND_MAGIC_BITS;
import static dev.gradlab.simd.FloatMath.S0;
import static dev.gradlab.simd.FloatMath.S1;
import static dev.gradlab.simd.FloatMath.S2;
import static dev.gradlab.simd.FloatMath.S3;
import static dev.gradlab.simd.FloatMath.SQRT_HALF_BITS;
import static dev.gradlab.simd.FloatMath.T0;
import static dev.gradlab.simd.FloatMath.T1;
import static dev.gradlab.simd.FloatMath.T2;
import static dev.gradlab.simd.FloatMath.T3;
import static dev.gradlab.simd.FloatMath.T4;
import static dev.gradlab.simd.FloatMath.TANH_SMALL;
import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.OR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link FloatMath}'s approximations on whole vectors: the same formulas, constants and operation
 * order, with branches turned into blends, so each lane equals the scalar result bit for bit.
 */
final class VectorMath {

    private VectorMath() {}

    /** {@code e^x} lanewise; see {@link FloatMath#exp}. */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.lanewise(FMA, LOG2E, ROUND_MAGIC);
        FloatVector k = t.sub(ROUND_MAGIC);
        FloatVector r = k.lanewise(FMA, -LN2_HI, x);
        r = k.lanewise(FMA, -LN2_LO, r);
        FloatVector halfScale = ((IntVector) t.reinterpretAsInts())
                .sub(ROUND_MAGIC_BITS - 126)
                .lanewise(LSHL, 23)
                .reinterpretAsFloats();
        FloatVector q = r.lanewise(FMA, E4, E3)
                .lanewise(FMA, r, E2)
                .lanewise(FMA, r, E1)
                .lanewise(FMA, r, E0);
        FloatVector twiceExpR = r.mul(r).lanewise(FMA, q, r.add(r)).add(2f);
        return twiceExpR
                .mul(halfScale)
                .blend(Float.POSITIVE_INFINITY, x.compare(GT, EXP_OVERFLOW))
                .blend(0f, x.compare(LT, EXP_UNDERFLOW));
    }

    /** {@code ln x} lanewise for positive normal x; see {@link FloatMath#log}. */
    static FloatVector log(FloatVector x) {
        IntVector bits = ((IntVector) x.reinterpretAsInts()).sub(SQRT_HALF_BITS);
        // e as a float without a conversion instruction: ROUND_MAGIC + e, minus ROUND_MAGIC.
        FloatVector ef = bits.lanewise(ASHR, 23)
                .add(ROUND_MAGIC_BITS)
                .reinterpretAsFloats()
                .sub(ROUND_MAGIC);
        FloatVector m = bits.lanewise(AND, 0x007FFFFF).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector f = m.sub(1f);
        FloatVector q = f.lanewise(FMA, L6, L5)
                .lanewise(FMA, f, L4)
                .lanewise(FMA, f, L3)
                .lanewise(FMA, f, L2)
                .lanewise(FMA, f, L1)
                .lanewise(FMA, f, L0);
        FloatVector log1pF = f.mul(f).lanewise(FMA, f.lanewise(FMA, q, -0.5f), f);
        return ef.lanewise(FMA, LN2_HI, ef.lanewise(FMA, LN2_LO, log1pF));
    }

    /** {@code tanh x} lanewise; see {@link FloatMath#tanh}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.lanewise(ABS);
        FloatVector a2 = a.mul(a);
        FloatVector p = a2.lanewise(FMA, T4, T3)
                .lanewise(FMA, a2, T2)
                .lanewise(FMA, a2, T1)
                .lanewise(FMA, a2, T0);
        FloatVector small = a.mul(a2).lanewise(FMA, p, a);
        FloatVector large = exp(a.add(a)).add(1f);
        large = FloatVector.broadcast(x.species(), 1f)
                .sub(FloatVector.broadcast(x.species(), 2f).div(large));
        FloatVector t = large.blend(small, a.compare(LT, TANH_SMALL));
        // copySign: t is non-negative (or NaN), so OR-ing in x's sign bit suffices.
        IntVector sign = ((IntVector) x.reinterpretAsInts()).lanewise(AND, 0x80000000);
        return ((IntVector) t.reinterpretAsInts()).lanewise(OR, sign).reinterpretAsFloats();
    }

    /** {@code 1 / (1 + e^-x)} lanewise; see {@link FloatMath#sigmoid}. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        return one.div(exp(x.neg()).add(1f));
    }

    /** {@code sin(tπ/2)} lanewise for {@code |t| ≤ ½}. */
    static FloatVector sinHalfPi(FloatVector t) {
        FloatVector t2 = t.mul(t);
        return t.mul(t2.lanewise(FMA, S3, S2).lanewise(FMA, t2, S1).lanewise(FMA, t2, S0));
    }

    /** {@code cos(tπ/2)} lanewise for {@code |t| ≤ ½}. */
    static FloatVector cosHalfPi(FloatVector t) {
        FloatVector t2 = t.mul(t);
        return t2.lanewise(
                FMA,
                t2.lanewise(FMA, C3, C2).lanewise(FMA, t2, C1).lanewise(FMA, t2, C0),
                FloatVector.broadcast(t.species(), 1f));
    }
}

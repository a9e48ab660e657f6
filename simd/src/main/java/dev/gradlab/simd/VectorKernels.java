package dev.gradlab.simd;

import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.I2L;
import static jdk.incubator.vector.VectorOperators.L2I;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.OR;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels: each loop runs whole vectors of the preferred species, then finishes the
 * last {@code n mod lanes} elements with the scalar code of {@link FloatMath} / {@link ScalarKernels}'
 * formulas (masked loads and stores are slow on AVX2 with JDK 17). Elementwise results equal the
 * scalar twin's bit for bit; reductions (sum, dot, softmax totals) add in a different order.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * Half or less of the preferred species, at least 256 bits when that is wider: the block kernels'
     * rows are often shorter than a 512-bit vector (an 8-wide window of an image).
     */
    private static final VectorSpecies<Float> H = L > 8 ? FloatVector.SPECIES_256 : F;

    private static final int HL = H.length();

    /**
     * Max-pooling's species: four windows a step, as the pooled rows are short (4 and 12 outputs in
     * the reference convnet); a row's eight floats are four pairs, split by narrowing longs to ints.
     * Without 256-bit vectors, the scalar code.
     */
    private static final VectorSpecies<Float> P = FloatVector.SPECIES_256;

    private static final VectorSpecies<Integer> PI = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> PF = FloatVector.SPECIES_128;
    private static final VectorSpecies<Long> PL = LongVector.SPECIES_256;
    private static final boolean POOL_VECTORS = L >= 8;
    private static final int[] EVENS = {0, 2, 4, 6};
    private static final float[] EVENS_F = {0, 2, 4, 6};

    /** Four double lanes, for sums of floats in double precision. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    /** The Gaussian kernel works on 16-pair blocks, so it needs a species of at most 16 lanes. */
    private static final VectorSpecies<Float> GF = L <= 16 ? F : FloatVector.SPECIES_512;

    private static final VectorSpecies<Integer> GI = VectorSpecies.of(int.class, GF.vectorShape());
    private static final int GL = GF.length();
    private static final int[] IOTA = new int[GL];

    static {
        for (int i = 0; i < GL; i++) {
            IOTA[i] = i;
        }
    }

    VectorKernels() {}

    @Override
    public String toString() {
        return "VectorKernels[" + F.vectorBitSize() + "-bit]";
    }

    // ---- activations ----

    @Override
    public void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.sigmoid(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = FloatMath.sigmoid(x[xOffset + i]);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector s = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, gy, gyOffset + i);
            g.mul(s).mul(s.neg().add(1f)).intoArray(gx, gxOffset + i);
        }
        for (; i < n; i++) {
            float s = y[yOffset + i];
            gx[gxOffset + i] = gy[gyOffset + i] * s * (1f - s);
        }
    }

    @Override
    public void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.tanh(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = FloatMath.tanh(x[xOffset + i]);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector t = FloatVector.fromArray(F, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(F, gy, gyOffset + i);
            g.mul(t.mul(t).neg().add(1f)).intoArray(gx, gxOffset + i);
        }
        for (; i < n; i++) {
            float t = y[yOffset + i];
            gx[gxOffset + i] = gy[gyOffset + i] * (1f - t * t);
        }
    }

    @Override
    public void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            v.blend(zero, v.compare(LE, 0f)).intoArray(y, yOffset + i); // NaN passes, as in PyTorch
        }
        for (; i < n; i++) {
            float v = x[xOffset + i];
            y[yOffset + i] = v <= 0f ? 0f : v;
        }
    }

    @Override
    public void reluBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> positive =
                    FloatVector.fromArray(F, x, xOffset + i).compare(GT, 0f);
            zero.blend(FloatVector.fromArray(F, gy, gyOffset + i), positive).intoArray(gx, gxOffset + i);
        }
        for (; i < n; i++) {
            gx[gxOffset + i] = x[xOffset + i] > 0f ? gy[gyOffset + i] : 0f;
        }
    }

    @Override
    public void requ(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            v.mul(v).blend(zero, v.compare(LE, 0f)).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            float v = x[xOffset + i];
            y[yOffset + i] = v <= 0f ? 0f : v * v;
        }
    }

    @Override
    public void requBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            FloatVector g = FloatVector.fromArray(F, gy, gyOffset + i).mul(2f).mul(v);
            zero.blend(g, v.compare(GT, 0f)).intoArray(gx, gxOffset + i);
        }
        for (; i < n; i++) {
            float v = x[xOffset + i];
            gx[gxOffset + i] = v > 0f ? gy[gyOffset + i] * 2f * v : 0f;
        }
    }

    @Override
    public void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xOffset + i)).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = FloatMath.exp(x[xOffset + i]);
        }
    }

    @Override
    public void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i);
            // Zeros, negatives, NaN, infinities and subnormals (rare) go lane by lane through the exact path.
            if (v.compare(GE, Float.MIN_NORMAL)
                    .and(v.compare(LT, Float.POSITIVE_INFINITY))
                    .allTrue()) {
                VectorMath.log(v).intoArray(y, yOffset + i);
            } else {
                for (int j = i; j < i + L; j++) {
                    y[yOffset + j] = FloatMath.logAnywhere(x[xOffset + j]);
                }
            }
        }
        for (; i < n; i++) {
            y[yOffset + i] = FloatMath.logAnywhere(x[xOffset + i]);
        }
    }

    // ---- rows ----

    @Override
    public void softmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            int yi = yOffset + r * cols;
            float max = rowMax(x, xi, cols);
            float total = expShifted(x, xi, cols, max, y, yi);
            scale(cols, 1f / total, y, yi);
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            int yi = yOffset + r * cols;
            float max = rowMax(x, xi, cols);
            float logTotal = (float) Math.log(expShifted(x, xi, cols, max, null, 0));
            int j = 0;
            for (int bound = F.loopBound(cols); j < bound; j += L) {
                FloatVector.fromArray(F, x, xi + j).sub(max).sub(logTotal).intoArray(y, yi + j);
            }
            for (; j < cols; j++) {
                y[yi + j] = (x[xi + j] - max) - logTotal;
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(
            float[] logits,
            int logitsOffset,
            int rows,
            int cols,
            int[] labels,
            int labelsOffset,
            float[] gradLogits,
            int gradOffset) {
        double loss = 0;
        float invRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int li = logitsOffset + r * cols;
            int gi = gradOffset + r * cols;
            int label = labels[labelsOffset + r];
            float max = rowMax(logits, li, cols);
            float labelShifted = logits[li + label] - max; // read before gradLogits, which may alias logits
            float total = expShifted(logits, li, cols, max, gradLogits, gi);
            loss += Math.log(total) - labelShifted;
            if (gradLogits != null) {
                float invTotal = 1f / total;
                float labelProbability = gradLogits[gi + label] * invTotal;
                int j = 0;
                for (int bound = F.loopBound(cols); j < bound; j += L) {
                    FloatVector.fromArray(F, gradLogits, gi + j)
                            .mul(invTotal)
                            .mul(invRows)
                            .intoArray(gradLogits, gi + j);
                }
                for (; j < cols; j++) {
                    gradLogits[gi + j] = gradLogits[gi + j] * invTotal * invRows;
                }
                gradLogits[gi + label] = (labelProbability - 1f) * invRows;
            }
        }
        return (float) (loss / rows);
    }

    private static float rowMax(float[] x, int offset, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        int bound = F.loopBound(cols);
        if (bound > 0) {
            FloatVector m = FloatVector.fromArray(F, x, offset);
            for (j = L; j < bound; j += L) {
                m = m.lanewise(MAX, FloatVector.fromArray(F, x, offset + j));
            }
            max = m.reduceLanes(MAX);
        }
        for (; j < cols; j++) {
            max = Math.max(max, x[offset + j]);
        }
        return max;
    }

    /** {@code Σ e^(x - max)} of one row; also stores each {@code e^(x - max)} in y when y is not null. */
    private static float expShifted(float[] x, int offset, int cols, float max, float[] y, int yOffset) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            FloatVector e =
                    VectorMath.exp(FloatVector.fromArray(F, x, offset + j).sub(max));
            if (y != null) {
                e.intoArray(y, yOffset + j);
            }
            acc = acc.add(e);
        }
        float total = sumLanes(acc);
        for (; j < cols; j++) {
            float e = FloatMath.exp(x[offset + j] - max);
            if (y != null) {
                y[yOffset + j] = e;
            }
            total += e;
        }
        return total;
    }

    // ---- reductions and BLAS level 1 ----

    /**
     * The lanes' sum, first lane first. Not {@code reduceLanes(ADD)}: its order is unspecified and
     * differs between the intrinsic and the Java fallback, so a result would depend on whether the
     * JIT had compiled the caller yet, and runs that should agree bit for bit would not.
     */
    private static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    @Override
    public float sum(float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) { // two accumulators hide the add latency
            a0 = a0.add(FloatVector.fromArray(F, x, xOffset + i));
            a1 = a1.add(FloatVector.fromArray(F, x, xOffset + i + L));
        }
        for (int bound = F.loopBound(n); i < bound; i += L) {
            a0 = a0.add(FloatVector.fromArray(F, x, xOffset + i));
        }
        float s = sumLanes(a0.add(a1));
        for (; i < n; i++) {
            s += x[xOffset + i];
        }
        return s;
    }

    @Override
    public double sumInDouble(float[] x, int xOffset, int n) {
        // Four chains of 4 double lanes each, 16 elements a step: lanes 0-3, 4-7, 8-11 and 12-15.
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = n - 16; i <= bound; i += 16) {
            a0 = a0.add(widen(x, xOffset + i));
            a1 = a1.add(widen(x, xOffset + i + 4));
            a2 = a2.add(widen(x, xOffset + i + 8));
            a3 = a3.add(widen(x, xOffset + i + 12));
        }
        DoubleVector t = a0.add(a1).add(a2.add(a3));
        double total = (t.lane(0) + t.lane(1)) + (t.lane(2) + t.lane(3));
        for (; i < n; i++) {
            total += x[xOffset + i];
        }
        return total;
    }

    /** Four floats from {@code x[at]}, widened to doubles. */
    private static DoubleVector widen(float[] x, int at) {
        return (DoubleVector)
                FloatVector.fromArray(FloatVector.SPECIES_128, x, at).castShape(D, 0);
    }

    @Override
    public float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, xOffset + i).lanewise(FMA, FloatVector.fromArray(F, y, yOffset + i), a0);
            a1 = FloatVector.fromArray(F, x, xOffset + i + L)
                    .lanewise(FMA, FloatVector.fromArray(F, y, yOffset + i + L), a1);
        }
        for (int bound = F.loopBound(n); i < bound; i += L) {
            a0 = FloatVector.fromArray(F, x, xOffset + i).lanewise(FMA, FloatVector.fromArray(F, y, yOffset + i), a0);
        }
        float s = sumLanes(a0.add(a1));
        for (; i < n; i++) {
            s += x[xOffset + i] * y[yOffset + i];
        }
        return s;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i)
                    .lanewise(FMA, alpha, FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    public void axpyTo(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i)
                    .lanewise(FMA, alpha, FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(z, zOffset + i);
        }
        for (; i < n; i++) {
            z[zOffset + i] = y[yOffset + i] + alpha * x[xOffset + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).mul(alpha).intoArray(x, xOffset + i);
        }
        for (; i < n; i++) {
            x[xOffset + i] *= alpha;
        }
    }

    @Override
    public void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i)
                    .add(FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(z, zOffset + i);
        }
        for (; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] + y[yOffset + i];
        }
    }

    @Override
    public void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOffset + i)
                    .mul(FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(z, zOffset + i);
        }
        for (; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] * y[yOffset + i];
        }
    }

    @Override
    public void addRowVector(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            add(x, xOffset + r * cols, bias, biasOffset, x, xOffset + r * cols, cols);
        }
    }

    @Override
    public void sumRows(float[] x, int xOffset, int rows, int cols, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            add(out, outOffset, x, xOffset + r * cols, out, outOffset, cols);
        }
    }

    @Override
    public void shiftedProducts(
            int outputs,
            int taps,
            float[] w,
            int[] shifts,
            float[] bias,
            float[] x,
            int xOffset,
            int positions,
            float[] y,
            int yOffset,
            int ldy) {
        int o = 0;
        // The last block of a row ends at its last position, overlapping the one before: a position
        // computed twice gets the same bits, and no row ends in scalar code.
        for (; o + 4 <= outputs && positions >= 4 * L; o += 4) {
            int row = yOffset + o * ldy;
            for (int q = 0; ; q += 4 * L) {
                int at = Math.min(q, positions - 4 * L);
                shifted4x4(o, at, taps, w, shifts, bias, x, xOffset, y, row, ldy);
                if (at + 4 * L == positions) {
                    break;
                }
            }
        }
        for (; o < outputs; o++) {
            shiftedVectors(o, positions, taps, w, shifts, bias, x, xOffset, y, yOffset + o * ldy);
        }
    }

    /**
     * Rows o .. o + 3 of {@link #shiftedProducts} at positions q .. q + 4·L − 1: sixteen
     * accumulators, each tap's four shifted vectors of x shared by the four rows.
     */
    private static void shifted4x4(
            int o,
            int q,
            int taps,
            float[] w,
            int[] shifts,
            float[] bias,
            float[] x,
            int xOffset,
            float[] y,
            int row,
            int ldy) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector d0 = a0, d1 = a0, d2 = a0, d3 = a0;
        int w0 = o * taps;
        for (int t = 0; t < taps; t++) {
            int at = xOffset + q + shifts[t];
            FloatVector x0 = FloatVector.fromArray(F, x, at);
            FloatVector x1 = FloatVector.fromArray(F, x, at + L);
            FloatVector x2 = FloatVector.fromArray(F, x, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, x, at + 3 * L);
            FloatVector v = FloatVector.broadcast(F, w[w0 + t]);
            a0 = v.fma(x0, a0);
            a1 = v.fma(x1, a1);
            a2 = v.fma(x2, a2);
            a3 = v.fma(x3, a3);
            v = FloatVector.broadcast(F, w[w0 + taps + t]);
            b0 = v.fma(x0, b0);
            b1 = v.fma(x1, b1);
            b2 = v.fma(x2, b2);
            b3 = v.fma(x3, b3);
            v = FloatVector.broadcast(F, w[w0 + 2 * taps + t]);
            c0 = v.fma(x0, c0);
            c1 = v.fma(x1, c1);
            c2 = v.fma(x2, c2);
            c3 = v.fma(x3, c3);
            v = FloatVector.broadcast(F, w[w0 + 3 * taps + t]);
            d0 = v.fma(x0, d0);
            d1 = v.fma(x1, d1);
            d2 = v.fma(x2, d2);
            d3 = v.fma(x3, d3);
        }
        if (bias != null) {
            a0 = a0.add(bias[o]);
            a1 = a1.add(bias[o]);
            a2 = a2.add(bias[o]);
            a3 = a3.add(bias[o]);
            b0 = b0.add(bias[o + 1]);
            b1 = b1.add(bias[o + 1]);
            b2 = b2.add(bias[o + 1]);
            b3 = b3.add(bias[o + 1]);
            c0 = c0.add(bias[o + 2]);
            c1 = c1.add(bias[o + 2]);
            c2 = c2.add(bias[o + 2]);
            c3 = c3.add(bias[o + 2]);
            d0 = d0.add(bias[o + 3]);
            d1 = d1.add(bias[o + 3]);
            d2 = d2.add(bias[o + 3]);
            d3 = d3.add(bias[o + 3]);
        }
        // Stored here rather than by a helper taking vectors, which C2 may leave out of line (boxed).
        int at = row + q;
        a0.intoArray(y, at);
        a1.intoArray(y, at + L);
        a2.intoArray(y, at + 2 * L);
        a3.intoArray(y, at + 3 * L);
        at += ldy;
        b0.intoArray(y, at);
        b1.intoArray(y, at + L);
        b2.intoArray(y, at + 2 * L);
        b3.intoArray(y, at + 3 * L);
        at += ldy;
        c0.intoArray(y, at);
        c1.intoArray(y, at + L);
        c2.intoArray(y, at + 2 * L);
        c3.intoArray(y, at + 3 * L);
        at += ldy;
        d0.intoArray(y, at);
        d1.intoArray(y, at + L);
        d2.intoArray(y, at + 2 * L);
        d3.intoArray(y, at + 3 * L);
    }

    /**
     * Row o of {@link #shiftedProducts}: a vector at a time, the last
     * overlapping the one before; scalar when the row is shorter than a vector.
     */
    private static void shiftedVectors(
            int o,
            int positions,
            int taps,
            float[] w,
            int[] shifts,
            float[] bias,
            float[] x,
            int xOffset,
            float[] y,
            int row) {
        if (positions < L) {
            ScalarKernels.shiftedRow(o, positions, taps, w, shifts, bias, x, xOffset, y, row);
            return;
        }
        for (int q = 0; ; q += L) {
            int at = Math.min(q, positions - L);
            FloatVector sum = FloatVector.zero(F);
            for (int t = 0; t < taps; t++) {
                FloatVector v = FloatVector.broadcast(F, w[o * taps + t]);
                sum = v.fma(FloatVector.fromArray(F, x, xOffset + at + shifts[t]), sum);
            }
            (bias == null ? sum : sum.add(bias[o])).intoArray(y, row + at);
            if (at + L == positions) {
                return;
            }
        }
    }

    @Override
    public void copy3d(
            int blocks,
            int rows,
            int cols,
            float[] x,
            int xOffset,
            int ldx,
            int xBlock,
            float[] y,
            int yOffset,
            int ldy,
            int yBlock) {
        if (cols == HL) {
            // Rows of exactly one vector (an 8-wide window), without the loops' set-up per row.
            for (int b = 0; b < blocks; b++) {
                for (int r = 0, xi = xOffset + b * xBlock, yi = yOffset + b * yBlock; r < rows; r++) {
                    FloatVector.fromArray(H, x, xi + r * ldx).intoArray(y, yi + r * ldy);
                }
            }
            return;
        }
        int bound = F.loopBound(cols);
        int half = bound + H.loopBound(cols - bound);
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < rows; r++) {
                int xi = xOffset + b * xBlock + r * ldx;
                int yi = yOffset + b * yBlock + r * ldy;
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector.fromArray(F, x, xi + j).intoArray(y, yi + j);
                }
                for (; j < half; j += HL) {
                    FloatVector.fromArray(H, x, xi + j).intoArray(y, yi + j);
                }
                for (; j < cols; j++) {
                    y[yi + j] = x[xi + j];
                }
            }
        }
    }

    @Override
    public void add3d(
            int blocks,
            int rows,
            int cols,
            float[] x,
            int xOffset,
            int ldx,
            int xBlock,
            float[] y,
            int yOffset,
            int ldy,
            int yBlock) {
        if (cols == HL) {
            for (int b = 0; b < blocks; b++) {
                for (int r = 0, xi = xOffset + b * xBlock, yi = yOffset + b * yBlock; r < rows; r++) {
                    int at = yi + r * ldy;
                    FloatVector.fromArray(H, y, at)
                            .add(FloatVector.fromArray(H, x, xi + r * ldx))
                            .intoArray(y, at);
                }
            }
            return;
        }
        int bound = F.loopBound(cols);
        int half = bound + H.loopBound(cols - bound);
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < rows; r++) {
                int xi = xOffset + b * xBlock + r * ldx;
                int yi = yOffset + b * yBlock + r * ldy;
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector.fromArray(F, y, yi + j)
                            .add(FloatVector.fromArray(F, x, xi + j))
                            .intoArray(y, yi + j);
                }
                for (; j < half; j += HL) {
                    FloatVector.fromArray(H, y, yi + j)
                            .add(FloatVector.fromArray(H, x, xi + j))
                            .intoArray(y, yi + j);
                }
                for (; j < cols; j++) {
                    y[yi + j] += x[xi + j];
                }
            }
        }
    }

    @Override
    public void maxPool2x2(
            int rows, int cols, float[] x, int xOffset, int ldx, float[] y, int yOffset, float[] argmax) {
        for (int r = 0; r < rows; r++) {
            int top = xOffset + 2 * r * ldx;
            int q = yOffset + r * cols;
            int j = 0;
            for (; POOL_VECTORS && j <= cols - 4; j += 4) {
                int p = top + 2 * j;
                // Four windows' pairs as longs: a pair's first element is the low half (little-endian lanes).
                LongVector above = FloatVector.fromArray(P, x, p).reinterpretAsLongs();
                LongVector below = FloatVector.fromArray(P, x, p + ldx).reinterpretAsLongs();
                IntVector a = firsts(above);
                IntVector b = seconds(above);
                IntVector c = firsts(below);
                IntVector d = seconds(below);
                FloatVector max = a.reinterpretAsFloats()
                        .max(b.reinterpretAsFloats())
                        .max(c.reinterpretAsFloats().max(d.reinterpretAsFloats()));
                max.intoArray(y, q + j);
                if (argmax == null) {
                    continue;
                }
                if (max.compare(NE, max).anyTrue()) {
                    // A NaN (rare): the first NaN wins, whatever its bits; the scalar code finds it.
                    ScalarKernels.maxPool2x2Row(j, j + 4, x, xOffset, top, ldx, y, q, argmax);
                    continue;
                }
                IntVector bits = max.reinterpretAsInts();
                IntVector at = IntVector.fromArray(PI, EVENS, 0).add(p - xOffset);
                IntVector best = at.add(ldx + 1);
                best = best.blend(at.add(ldx), c.eq(bits));
                best = best.blend(at.add(1), b.eq(bits));
                best = best.blend(at, a.eq(bits));
                best.convert(I2F, 0).reinterpretAsFloats().intoArray(argmax, q + j);
            }
            ScalarKernels.maxPool2x2Row(j, cols, x, xOffset, top, ldx, y, q, argmax);
        }
    }

    @Override
    public void maxPool2x2Backward(
            int rows, int cols, float[] g, int gOffset, float[] argmax, float[] gx, int gxOffset, int ldx) {
        FloatVector zero = FloatVector.zero(PF);
        for (int r = 0; r < rows; r++) {
            int top = gxOffset + 2 * r * ldx;
            int q = gOffset + r * cols;
            int j = 0;
            for (; POOL_VECTORS && j <= cols - 4; j += 4) {
                int p = top + 2 * j;
                // As added into zeros: −0 becomes +0.
                FloatVector value = FloatVector.fromArray(PF, g, q + j).add(zero);
                // Indices as floats, exact below 2^24 as the winners are.
                FloatVector winner = FloatVector.fromArray(PF, argmax, q + j);
                FloatVector at = FloatVector.fromArray(PF, EVENS_F, 0).add((float) (p - gxOffset));
                FloatVector a = zero.blend(value, winner.eq(at));
                FloatVector b = zero.blend(value, winner.eq(at.add(1f)));
                FloatVector c = zero.blend(value, winner.eq(at.add((float) ldx)));
                FloatVector d = zero.blend(value, winner.eq(at.add((float) (ldx + 1))));
                pairs(a, b).intoArray(gx, p);
                pairs(c, d).intoArray(gx, p + ldx);
            }
            ScalarKernels.maxPool2x2BackwardRow(j, cols, g, q, argmax, gx, gxOffset, top, ldx);
        }
    }

    /** Four pairs (first, second) as eight floats: the inverse of {@link #firsts} and {@link #seconds}. */
    private static FloatVector pairs(FloatVector first, FloatVector second) {
        LongVector low = (LongVector) first.reinterpretAsInts().convertShape(I2L, PL, 0);
        LongVector high = (LongVector) second.reinterpretAsInts().convertShape(I2L, PL, 0);
        return low.and(0xFFFFFFFFL).or(high.lanewise(LSHL, 32)).reinterpretAsFloats();
    }

    /** The first elements of four pairs of floats held as longs. */
    private static IntVector firsts(LongVector pairs) {
        return (IntVector) pairs.convertShape(L2I, PI, 0);
    }

    /** The second elements of four pairs of floats held as longs. */
    private static IntVector seconds(LongVector pairs) {
        return (IntVector) pairs.lanewise(LSHR, 32).convertShape(L2I, PI, 0);
    }

    // ---- noise ----

    @Override
    public void gaussian(long seed, long stream, long index, float[] out, int outOffset, int n) {
        GaussianStream g = new GaussianStream(seed, stream);
        long epochMask = (1L << GaussianStream.EPOCH_SHIFT) - 1;
        int done = 0;
        while (done < n) {
            long i = index + done;
            int run = (int) Math.min(n - done, (epochMask + 1) - (i & epochMask));
            gaussianInEpoch(g.keys(i >>> GaussianStream.EPOCH_SHIFT), i, out, outOffset + done, run);
            done += run;
        }
    }

    /** Blocks per pass of {@link #gaussianRadii} and {@link #gaussianAngles}: 8 KiB, so the second pass reads L1. */
    private static final int CHUNK_BLOCKS = 64;

    /** Samples {@code index .. index + n} of one epoch: scalar up to a block boundary, blocks, scalar tail. */
    private static void gaussianInEpoch(long keys, long index, float[] out, int offset, int n) {
        int block = GaussianStream.BLOCK;
        int head = (int) Math.min(n, (-index) & (block - 1));
        for (int i = 0; i < head; i++) {
            out[offset + i] = GaussianStream.sample(keys, index + i);
        }
        int i = head;
        while (n - i >= block) {
            int blocks = Math.min(CHUNK_BLOCKS, (n - i) / block);
            int firstPair = (int) ((index + i) >>> 1);
            gaussianRadii(firstPair, (int) keys, out, offset + i, blocks);
            gaussianAngles(firstPair, (int) (keys >>> 32), out, offset + i, blocks);
            i += blocks * block;
        }
        for (; i < n; i++) {
            out[offset + i] = GaussianStream.sample(keys, index + i);
        }
    }

    // The work is split in two passes over a chunk because one loop body holding both the radius
    // and the angle grows past C2's inlining node budget, which leaves vectors boxed (several times slower).

    /** First pass: the radius of each pair, stored where its cosine goes. */
    private static void gaussianRadii(int firstPair, int key1, float[] out, int at, int blocks) {
        IntVector iota = IntVector.fromArray(GI, IOTA, 0);
        FloatVector two = FloatVector.broadcast(GF, 2f);
        for (int b = 0; b < blocks; b++) {
            for (int g = 0; g < 16; g += GL) {
                IntVector pair = iota.add(firstPair + 16 * b + g);
                IntVector h1 = fmix32(pair.mul(GaussianStream.MUL1).add(key1));
                FloatVector u =
                        two.sub(h1.lanewise(LSHR, 9).lanewise(OR, 0x3F800000).reinterpretAsFloats());
                VectorMath.log(u).mul(-2f).sqrt().intoArray(out, at + GaussianStream.BLOCK * b + g);
            }
        }
    }

    /** Second pass: the cosines and sines of each pair's angle, times the radius from the first pass. */
    private static void gaussianAngles(int firstPair, int key2, float[] out, int at, int blocks) {
        IntVector iota = IntVector.fromArray(GI, IOTA, 0);
        for (int b = 0; b < blocks; b++) {
            for (int g = 0; g < 16; g += GL) {
                IntVector pair = iota.add(firstPair + 16 * b + g);
                IntVector h2 = fmix32(pair.mul(GaussianStream.MUL2).add(key2));
                FloatVector t = toFloat22(h2.lanewise(LSHR, 8).lanewise(AND, 0x3FFFFF))
                        .lanewise(FMA, GaussianStream.INV_2_22, GaussianStream.T_OFFSET);
                IntVector c = (IntVector) VectorMath.cosHalfPi(t).reinterpretAsInts();
                IntVector s = (IntVector) VectorMath.sinHalfPi(t).reinterpretAsInts();
                // Quadrant q = h2 >>> 30 as bit operations: odd q swaps cos and sin, then the signs
                // follow cos < 0 for q in {1, 2} and sin < 0 for q in {2, 3}.
                IntVector h2Shifted = h2.lanewise(LSHL, 1);
                IntVector swap = h2Shifted.lanewise(ASHR, 31);
                IntVector d = c.lanewise(XOR, s).lanewise(AND, swap);
                IntVector cosSign = h2.lanewise(XOR, h2Shifted).lanewise(AND, 0x80000000);
                IntVector sinSign = h2.lanewise(AND, 0x80000000);
                int cosAt = at + GaussianStream.BLOCK * b + g;
                FloatVector r = FloatVector.fromArray(GF, out, cosAt);
                c.lanewise(XOR, d)
                        .lanewise(XOR, cosSign)
                        .reinterpretAsFloats()
                        .mul(r)
                        .intoArray(out, cosAt);
                s.lanewise(XOR, d)
                        .lanewise(XOR, sinSign)
                        .reinterpretAsFloats()
                        .mul(r)
                        .intoArray(out, cosAt + 16);
            }
        }
    }

    /** An int in [0, 2^22) as a float, exactly: 2^23 + j has j in its mantissa, minus 2^23. */
    private static FloatVector toFloat22(IntVector j) {
        return j.lanewise(OR, 0x4B000000).reinterpretAsFloats().sub(8388608f);
    }

    private static IntVector fmix32(IntVector h) {
        h = h.lanewise(XOR, h.lanewise(LSHR, 16)).mul(0x85EBCA6B);
        h = h.lanewise(XOR, h.lanewise(LSHR, 13)).mul(0xC2B2AE35);
        return h.lanewise(XOR, h.lanewise(LSHR, 16));
    }
}

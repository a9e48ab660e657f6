package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against their scalar twins, on random lengths (1, primes, lengths that are
 * not multiples of the lane count), offsets and values including zeros, tiny and huge magnitudes and
 * infinities. Tolerances: elementwise kernels are bit-identical (same formulas, same roundings);
 * sum and dot within the classic summation bound {@code 2n·2^-24·Σ|terms|} (they add in a different
 * order); row kernels within {@code (2·cols + 4)·2^-24} relative (only the row totals' order differs).
 */
class KernelsEquivalenceTest {

    static final Kernels SCALAR = Simd.scalar().kernels();
    static final Kernels VECTOR = Simd.vector().kernels();
    static final double U = 0x1p-24;

    /** Elementwise kernels with one input, {@code out = f(in)}. */
    enum Unary {
        SIGMOID,
        TANH,
        RELU,
        REQU,
        EXP,
        LOG,
        SCALE;

        void apply(Kernels k, float[] x, int xOff, float[] y, int yOff, int n) {
            switch (this) {
                case SIGMOID -> k.sigmoid(x, xOff, y, yOff, n);
                case TANH -> k.tanh(x, xOff, y, yOff, n);
                case RELU -> k.relu(x, xOff, y, yOff, n);
                case REQU -> k.requ(x, xOff, y, yOff, n);
                case EXP -> k.exp(x, xOff, y, yOff, n);
                case LOG -> k.log(x, xOff, y, yOff, n);
                case SCALE -> {
                    System.arraycopy(x, xOff, y, yOff, n);
                    k.scale(n, -0.37f, y, yOff);
                }
            }
        }
    }

    /** Elementwise kernels with two inputs: backward passes (saved value, upstream gradient), add, mul. */
    enum Binary {
        SIGMOID_BACKWARD,
        TANH_BACKWARD,
        RELU_BACKWARD,
        REQU_BACKWARD,
        ADD,
        MUL;

        void apply(Kernels k, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
            switch (this) {
                case SIGMOID_BACKWARD -> k.sigmoidBackward(a, aOff, b, bOff, out, outOff, n);
                case TANH_BACKWARD -> k.tanhBackward(a, aOff, b, bOff, out, outOff, n);
                case RELU_BACKWARD -> k.reluBackward(a, aOff, b, bOff, out, outOff, n);
                case REQU_BACKWARD -> k.requBackward(a, aOff, b, bOff, out, outOff, n);
                case ADD -> k.add(a, aOff, b, bOff, out, outOff, n);
                case MUL -> k.mul(a, aOff, b, bOff, out, outOff, n);
            }
        }

        /** The saved input or output the backward pass reads: outputs of sigmoid/tanh lie in [0,1]/[-1,1]. */
        float[] first(long seed, int length) {
            float[] unit = KernelsTestData.unitInterval(seed, length);
            if (this == SIGMOID_BACKWARD) {
                return unit;
            }
            if (this == TANH_BACKWARD) {
                for (int i = 0; i < length; i++) {
                    unit[i] = 2 * unit[i] - 1;
                }
                return unit;
            }
            return KernelsTestData.values(seed, length, true);
        }
    }

    @Property(tries = 300)
    void unaryKernelsAreBitIdentical(
            @ForAll Unary op,
            @ForAll @IntRange(min = 1, max = 150) int n,
            @ForAll @IntRange(max = 9) int xOff,
            @ForAll @IntRange(max = 9) int yOff,
            @ForAll long seed) {
        float[] x = KernelsTestData.values(seed, xOff + n, true);
        float[] expected = new float[yOff + n];
        float[] actual = new float[yOff + n];
        op.apply(SCALAR, x, xOff, expected, yOff, n);
        op.apply(VECTOR, x, xOff, actual, yOff, n);
        assertArrayEquals(expected, actual, op + " n=" + n);
        // In place (output aliasing input at the same offset) gives the same values.
        float[] inPlace = x.clone();
        op.apply(VECTOR, inPlace, xOff, inPlace, xOff, n);
        assertArrayEquals(Arrays.copyOfRange(expected, yOff, yOff + n), Arrays.copyOfRange(inPlace, xOff, xOff + n));
    }

    @Property(tries = 300)
    void binaryKernelsAreBitIdentical(
            @ForAll Binary op,
            @ForAll @IntRange(min = 1, max = 150) int n,
            @ForAll @IntRange(max = 9) int off,
            @ForAll long seed) {
        float[] a = op.first(seed, off + n);
        float[] b = KernelsTestData.values(seed + 1, off + n, true);
        float[] expected = new float[n];
        float[] actual = new float[n];
        op.apply(SCALAR, a, off, b, off, expected, 0, n);
        op.apply(VECTOR, a, off, b, off, actual, 0, n);
        assertArrayEquals(expected, actual, op + " n=" + n);
        float[] inPlace = b.clone(); // gradient computed into the upstream gradient's buffer
        op.apply(VECTOR, a, off, inPlace, off, inPlace, off, n);
        assertArrayEquals(expected, Arrays.copyOfRange(inPlace, off, off + n));
    }

    @Property(tries = 200)
    void axpyMatchesWithinOneRounding(
            @ForAll @IntRange(min = 1, max = 300) int n, @ForAll @IntRange(max = 9) int off, @ForAll long seed) {
        float[] x = KernelsTestData.values(seed, off + n, false);
        float[] y = KernelsTestData.values(seed + 1, off + n, false);
        float alpha = 0.731f;
        float[] expected = y.clone();
        float[] actual = y.clone();
        SCALAR.axpy(n, alpha, x, off, expected, off);
        VECTOR.axpy(n, alpha, x, off, actual, off);
        float[] into = new float[off + n];
        VECTOR.axpyTo(n, alpha, x, off, y, off, into, off);
        float[] scalarInto = new float[off + n];
        SCALAR.axpyTo(n, alpha, x, off, y, off, scalarInto, off);
        for (int i = off; i < off + n; i++) {
            assertEquals(Float.floatToIntBits(actual[i]), Float.floatToIntBits(into[i]), "axpyTo is axpy at " + i);
            assertEquals(
                    Float.floatToIntBits(expected[i]),
                    Float.floatToIntBits(scalarInto[i]),
                    "scalar axpyTo is axpy at " + i);
            // The vector twin fuses the multiply-add: they differ by at most the rounding of alpha·x.
            double bound = 2 * U * (Math.abs(alpha * x[i]) + Math.abs(expected[i]));
            assertTrue(
                    Math.abs(actual[i] - expected[i]) <= bound,
                    "axpy at " + i + ": " + actual[i] + " vs " + expected[i]);
        }
    }

    @Property(tries = 200)
    void sumAndDotMatchWithinTheSummationBound(
            @ForAll @IntRange(min = 1, max = 1000) int n, @ForAll @IntRange(max = 9) int off, @ForAll long seed) {
        float[] x = KernelsTestData.values(seed, off + n, false);
        float[] y = KernelsTestData.values(seed + 1, off + n, false);
        double absSum = 0;
        double absDot = 0;
        for (int i = off; i < off + n; i++) {
            absSum += Math.abs(x[i]);
            absDot += Math.abs(x[i] * y[i]);
        }
        assertEquals(SCALAR.sum(x, off, n), VECTOR.sum(x, off, n), 2 * n * U * absSum + Float.MIN_VALUE);
        assertEquals(
                SCALAR.dot(x, off, y, off, n),
                VECTOR.dot(x, off, y, off, n),
                2 * (n + 1) * U * absDot + Float.MIN_VALUE);
    }

    /** The same lanes and the same tree in both: equal to the bit, and within double's summation bound. */
    @Property(tries = 200)
    void sumsInDoubleAreIdentical(
            @ForAll @IntRange(min = 0, max = 1000) int n, @ForAll @IntRange(max = 9) int off, @ForAll long seed) {
        float[] x = KernelsTestData.values(seed, off + n, false);
        double sequential = 0;
        double absSum = 0;
        for (int i = off; i < off + n; i++) {
            sequential += x[i];
            absSum += Math.abs(x[i]);
        }
        double scalar = SCALAR.sumInDouble(x, off, n);
        assertEquals(Double.doubleToLongBits(scalar), Double.doubleToLongBits(VECTOR.sumInDouble(x, off, n)));
        assertEquals(sequential, scalar, 2 * n * 0x1p-53 * absSum);
    }

    @Test
    void sumsInDoubleKeepWhatAFloatSumLoses() {
        float[] x = new float[101];
        Arrays.fill(x, 1f);
        x[37] = 0x1p24f; // a float total would stay at 2^24 after it
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            assertEquals(0x1p24 + 100, k.sumInDouble(x, 0, x.length), k.toString());
            assertEquals(0x1p24 + 99, k.sumInDouble(x, 1, x.length - 1), k.toString());
        }
    }

    @Property(tries = 100)
    void rowBroadcastsAndColumnSumsMatch(
            @ForAll @IntRange(min = 1, max = 20) int rows,
            @ForAll @IntRange(min = 1, max = 70) int cols,
            @ForAll @IntRange(max = 5) int off,
            @ForAll long seed) {
        float[] x = KernelsTestData.values(seed, off + rows * cols, false);
        float[] bias = KernelsTestData.values(seed + 1, off + cols, false);
        float[] expected = x.clone();
        float[] actual = x.clone();
        SCALAR.addRowVector(bias, off, expected, off, rows, cols);
        VECTOR.addRowVector(bias, off, actual, off, rows, cols);
        assertArrayEquals(expected, actual);
        float[] sumsExpected = bias.clone(); // accumulates into what is there
        float[] sumsActual = bias.clone();
        SCALAR.sumRows(x, off, rows, cols, sumsExpected, off);
        VECTOR.sumRows(x, off, rows, cols, sumsActual, off);
        assertArrayEquals(sumsExpected, sumsActual); // both add the rows in order, one column at a time
    }

    /** Rows of any width, and of one and two 256-bit vectors every time (the widths with paths of their own). */
    @Property(tries = 100)
    void blockCopiesAndAddsMatch(
            @ForAll @IntRange(min = 1, max = 12) int rows,
            @ForAll @IntRange(min = 1, max = 40) int cols,
            @ForAll @IntRange(max = 9) int gap,
            @ForAll @IntRange(max = 5) int off,
            @ForAll long seed) {
        for (int width : new int[] {cols, 8, 16}) {
            blockCopyAndAddMatch(rows, width, gap, off, seed);
        }
    }

    private static void blockCopyAndAddMatch(int rows, int cols, int gap, int off, long seed) {
        int ld = cols + gap;
        float[] x = KernelsTestData.values(seed, off + rows * ld, false);
        float[] y = KernelsTestData.values(seed + 1, off + rows * cols, false);
        float[] expected = y.clone();
        float[] actual = y.clone();
        SCALAR.copy2d(rows, cols, x, off, ld, expected, off, cols);
        VECTOR.copy2d(rows, cols, x, off, ld, actual, off, cols);
        assertArrayEquals(expected, actual);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(x[off + r * ld + j], actual[off + r * cols + j]);
            }
        }
        float[] sumsExpected = x.clone();
        float[] sumsActual = x.clone();
        SCALAR.add2d(rows, cols, y, off, cols, sumsExpected, off, ld);
        VECTOR.add2d(rows, cols, y, off, cols, sumsActual, off, ld);
        assertArrayEquals(sumsExpected, sumsActual);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ld; j++) {
                float gapped = x[off + r * ld + j];
                float expect = j < cols ? gapped + y[off + r * cols + j] : gapped;
                assertEquals(expect, sumsActual[off + r * ld + j]);
            }
        }
    }

    /**
     * Several blocks in one call, as im2col takes a window of each sample of a chunk: the same as one
     * copy2d / add2d per block, in both implementations, for rows of any width and of one and two
     * 256-bit vectors.
     */
    @Property(tries = 100)
    void blockCopiesAndAddsOfSeveralBlocksAreOnePerBlock(
            @ForAll @IntRange(min = 1, max = 5) int blocks,
            @ForAll @IntRange(min = 1, max = 9) int rows,
            @ForAll @IntRange(min = 1, max = 40) int cols,
            @ForAll @IntRange(max = 9) int gap,
            @ForAll @IntRange(max = 7) int blockGap,
            @ForAll @IntRange(max = 5) int off,
            @ForAll long seed) {
        for (int width : new int[] {cols, 8, 16}) {
            int ld = width + gap;
            int xBlock = rows * ld + blockGap; // windows of images, apart by more than their rows
            int yBlock = rows * width; // contiguous columns, as im2col writes them
            float[] x = KernelsTestData.values(seed, off + blocks * xBlock, false);
            float[] y = KernelsTestData.values(seed + 1, off + blocks * yBlock, false);
            float[] expected = y.clone();
            for (int b = 0; b < blocks; b++) {
                SCALAR.copy2d(rows, width, x, off + b * xBlock, ld, expected, off + b * yBlock, width);
            }
            for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
                float[] actual = y.clone();
                k.copy3d(blocks, rows, width, x, off, ld, xBlock, actual, off, width, yBlock);
                assertArrayEquals(expected, actual, k + " copy3d");
            }
            float[] sums = x.clone();
            for (int b = 0; b < blocks; b++) {
                SCALAR.add2d(rows, width, y, off + b * yBlock, width, sums, off + b * xBlock, ld);
            }
            for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
                float[] actual = x.clone();
                k.add3d(blocks, rows, width, y, off, width, yBlock, actual, off, ld, xBlock);
                assertArrayEquals(sums, actual, k + " add3d");
            }
        }
    }

    /**
     * A convolution read at shifts: both implementations give the formula's bits (a fused
     * multiply-add chain in tap order from 0, the bias added last), on rows shorter than a vector,
     * between one and four vectors and longer (the overlapping last block), for output counts that
     * are and are not multiples of four, with infinities and NaNs among the inputs.
     */
    @Property(tries = 200)
    void shiftedProductsAreTheFormulasBits(
            @ForAll @IntRange(min = 1, max = 9) int outputs,
            @ForAll @IntRange(min = 1, max = 30) int taps,
            @ForAll @IntRange(min = 1, max = 150) int positions,
            @ForAll @IntRange(max = 40) int spread,
            @ForAll @IntRange(max = 5) int off,
            @ForAll boolean biased,
            @ForAll long seed) {
        int[] shifts = new Random(seed).ints(taps, 0, spread + 1).toArray();
        float[] w = KernelsTestData.values(seed, outputs * taps, false);
        float[] bias = biased ? KernelsTestData.values(seed + 1, outputs, false) : null;
        float[] x = KernelsTestData.values(seed + 2, off + positions + spread, true);
        int ldy = positions + 3;
        float[] expected = new float[off + outputs * ldy];
        Arrays.fill(expected, 7f); // untouched between rows
        for (int o = 0; o < outputs; o++) {
            for (int q = 0; q < positions; q++) {
                float sum = 0f;
                for (int t = 0; t < taps; t++) {
                    sum = Math.fma(w[o * taps + t], x[off + q + shifts[t]], sum);
                }
                expected[off + o * ldy + q] = bias == null ? sum : sum + bias[o];
            }
        }
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            float[] actual = new float[expected.length];
            Arrays.fill(actual, 7f);
            k.shiftedProducts(outputs, taps, w, shifts, bias, x, off, positions, actual, off, ldy);
            assertArrayEquals(expected, actual, k + " shiftedProducts");
        }
    }

    /**
     * 2×2 max pooling in both implementations against a direct search, over rows of any width (the
     * vector loop's steps and the scalar tail) and inputs drawn from a few values: ties, zeros of both
     * signs and NaNs of two payloads are common. The maximum is Math.max's, the winner the first
     * element with its bits, or the first NaN.
     */
    @Property(tries = 200)
    void maxPool2x2MatchesTheDirectSearch(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 19) int cols,
            @ForAll @IntRange(max = 3) int gap,
            @ForAll @IntRange(max = 5) int off,
            @ForAll boolean withNaN,
            @ForAll long seed) {
        float[] pool = {0f, -0f, 1f, -1f, 2f, withNaN ? Float.NaN : 3f, withNaN ? Float.intBitsToFloat(0xFFC00123) : -3f
        };
        int ldx = 2 * cols + gap;
        Random random = new Random(seed);
        float[] x = new float[off + 2 * rows * ldx];
        for (int i = 0; i < x.length; i++) {
            x[i] = pool[random.nextInt(pool.length)];
        }
        float[] values = new float[rows * cols];
        int[] winners = new int[rows * cols];
        for (int r = 0, q = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++, q++) {
                int first = 2 * r * ldx + 2 * j;
                int best = first;
                for (int at : new int[] {first + 1, first + ldx, first + ldx + 1}) {
                    float m = x[off + best];
                    float a = x[off + at];
                    if (!Float.isNaN(m) && (Float.isNaN(a) || Float.compare(a, m) > 0)) {
                        best = at;
                    }
                }
                values[q] = x[off + best];
                winners[q] = best;
            }
        }
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            float[] y = new float[off + rows * cols];
            float[] argmax = new float[off + rows * cols];
            k.maxPool2x2(rows, cols, x, off, ldx, y, off, argmax);
            float[] plain = new float[off + rows * cols];
            k.maxPool2x2(rows, cols, x, off, ldx, plain, off, null);
            for (int q = 0; q < rows * cols; q++) {
                assertEquals(Float.floatToIntBits(values[q]), Float.floatToIntBits(y[off + q]), k + " window " + q);
                assertEquals(Float.floatToIntBits(values[q]), Float.floatToIntBits(plain[off + q]), k + " " + q);
                assertEquals(winners[q], (int) argmax[off + q], k + " winner of window " + q);
            }
        }
        // Backward writes each window whole, as if adding into zeros: the winner gets 0 + g (so a -0
        // gradient lands as +0, a NaN stays NaN), the other three +0; what no window covers (the gap
        // columns, the offset) keeps its old value, NaN or not.
        float[] g = KernelsTestData.values(seed + 1, off + rows * cols, true);
        for (int i = 0; i < g.length; i++) {
            int pick = random.nextInt(6);
            g[i] = pick == 0 ? -0f : pick == 1 ? Float.NaN : g[i];
        }
        float[] argmax = new float[off + rows * cols];
        SCALAR.maxPool2x2(rows, cols, x, off, ldx, new float[off + rows * cols], off, argmax);
        float[] stale = KernelsTestData.values(seed + 2, x.length, true);
        for (int i = 0; i < stale.length; i += 3) {
            stale[i] = i % 2 == 0 ? Float.NaN : -0f;
        }
        float[] expected = stale.clone();
        for (int r = 0, q = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++, q++) {
                int first = off + 2 * r * ldx + 2 * j;
                for (int at : new int[] {first, first + 1, first + ldx, first + ldx + 1}) {
                    expected[at] = 0f;
                }
                expected[off + winners[q]] += g[off + q];
            }
        }
        for (Kernels k : new Kernels[] {SCALAR, VECTOR}) {
            float[] actual = stale.clone();
            k.maxPool2x2Backward(rows, cols, g, off, argmax, actual, off, ldx);
            for (int i = 0; i < actual.length; i++) {
                assertEquals(
                        Float.floatToIntBits(expected[i]),
                        Float.floatToIntBits(actual[i]),
                        k + " backward at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    @Property(tries = 200)
    void softmaxRowsMatch(
            @ForAll @IntRange(min = 1, max = 12) int rows,
            @ForAll @IntRange(min = 1, max = 70) int cols,
            @ForAll @IntRange(max = 5) int off,
            @ForAll long seed,
            @ForAll boolean inPlace) {
        float[] x = logits(seed, off + rows * cols);
        float[] expected = new float[off + rows * cols];
        float[] actual = inPlace ? x.clone() : new float[off + rows * cols];
        SCALAR.softmaxRows(x, off, expected, off, rows, cols);
        VECTOR.softmaxRows(inPlace ? actual : x, off, actual, off, rows, cols);
        assertClose(expected, actual, off, (2 * cols + 4) * U, 0, "softmax");

        SCALAR.logSoftmaxRows(x, off, expected, off, rows, cols);
        actual = inPlace ? x.clone() : actual;
        VECTOR.logSoftmaxRows(inPlace ? actual : x, off, actual, off, rows, cols);
        assertClose(expected, actual, off, 2 * U, (2 * cols + 4) * U, "logSoftmax");
    }

    @Property(tries = 200)
    void softmaxCrossEntropyMatches(
            @ForAll @IntRange(min = 1, max = 12) int rows,
            @ForAll @IntRange(min = 1, max = 70) int cols,
            @ForAll @IntRange(max = 5) int off,
            @ForAll long seed,
            @ForAll boolean inPlace) {
        float[] logits = logits(seed, off + rows * cols);
        int[] labels = new int[off + rows];
        for (int r = 0; r < rows; r++) {
            labels[off + r] = (int) Math.floorMod(seed + 31L * r, (long) cols);
        }
        float[] expectedGrad = new float[off + rows * cols];
        float[] actualGrad = inPlace ? logits.clone() : new float[off + rows * cols];
        float expected = SCALAR.softmaxCrossEntropy(logits, off, rows, cols, labels, off, expectedGrad, off);
        float actual = VECTOR.softmaxCrossEntropy(
                inPlace ? actualGrad : logits, off, rows, cols, labels, off, actualGrad, off);
        assertEquals(expected, actual, 2 * U * Math.abs(expected) + (2 * cols + 4) * U);
        // The label's entry (p - 1)/rows carries p's error without p's scale: an absolute term too.
        assertClose(expectedGrad, actualGrad, off, (2 * cols + 4) * U, (2 * cols + 5) * U / rows, "gradient");
        assertEquals(
                expected,
                VECTOR.softmaxCrossEntropy(logits, off, rows, cols, labels, off, null, 0),
                2 * U * Math.abs(expected) + (2 * cols + 4) * U,
                "without a gradient");
    }

    /** Logits of every scale, with some huge ones (±1e30: their exponentials underflow to 0 or dominate). */
    static float[] logits(long seed, int length) {
        float[] v = KernelsTestData.values(seed, length, false);
        for (int i = 0; i < length; i++) {
            long h = GaussianStream.mix64(seed + i);
            if ((h & 31) == 0) {
                v[i] = 1e30f;
            } else if ((h & 31) == 1) {
                v[i] = -1e30f;
            } else if ((h & 31) == 2) {
                v[i] = 80f;
            }
        }
        return v;
    }

    /** Elements from {@code from} on within {@code relative·|expected| + absolute}. */
    static void assertClose(float[] expected, float[] actual, int from, double relative, double absolute, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = from; i < expected.length; i++) {
            double bound = relative * Math.abs(expected[i]) + absolute;
            assertTrue(
                    Math.abs(actual[i] - expected[i]) <= bound || Float.compare(actual[i], expected[i]) == 0,
                    what + " at " + i + ": expected " + expected[i] + ", actual " + actual[i] + " (bound " + bound
                            + ")");
        }
    }
}

package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Softmax, log-softmax and softmax-cross-entropy of both kernels against double-precision
 * references, at extreme logits, and the cross-entropy gradient against finite differences.
 * Bounds, with {@code d = x - max} the shifted logit (rounded to float before exp, as in any float
 * softmax): softmax within {@code (cols + 8 + |d|)·2^-24} relative to each probability, log-softmax
 * within that much absolute plus 2 ulps of the value, the loss within {@code (cols + 8)·2^-24} plus
 * 2 ulps.
 */
class SoftmaxAccuracyTest {

    static final List<Kernels> BOTH =
            List.of(Simd.scalar().kernels(), Simd.vector().kernels());
    static final double U = 0x1p-24;

    @Property(tries = 150)
    void rowKernelsMatchDoublePrecision(
            @ForAll @IntRange(min = 1, max = 9) int rows,
            @ForAll @IntRange(min = 1, max = 100) int cols,
            @ForAll @IntRange(min = 0, max = 4) int scale,
            @ForAll long seed) {
        Random random = new Random(seed);
        float[] x = new float[rows * cols];
        double spread = Math.pow(10, scale - 1); // logits from ~0.1 to ~1000 apart
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * spread);
        }
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(cols);
        }
        double tolerance = (cols + 8) * U;
        for (Kernels k : BOTH) {
            float[] y = new float[x.length];
            float[] logY = new float[x.length];
            float[] grad = new float[x.length];
            k.softmaxRows(x, 0, y, 0, rows, cols);
            k.logSoftmaxRows(x, 0, logY, 0, rows, cols);
            float loss = k.softmaxCrossEntropy(x, 0, rows, cols, labels, 0, grad, 0);
            double expectedLoss = 0;
            for (int r = 0; r < rows; r++) {
                double[] logP = logSoftmax(x, r * cols, cols);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, x[r * cols + j]);
                }
                expectedLoss -= logP[labels[r]] / rows;
                for (int j = 0; j < cols; j++) {
                    int i = r * cols + j;
                    double p = Math.exp(logP[j]);
                    double relative = tolerance + Math.abs(x[i] - max) * U;
                    String at = k + " row " + r + " col " + j;
                    assertEquals(p, y[i], relative * p + 0x1p-125, "softmax " + at); // exp flushes below 2^-125
                    assertEquals(logP[j], logY[i], relative + 2 * Math.ulp(logY[i]), "logSoftmax " + at);
                    double g = (p - (j == labels[r] ? 1 : 0)) / rows;
                    assertEquals(g, grad[i], (relative * p + 2 * U) / rows + 0x1p-125, "gradient " + at);
                }
            }
            assertEquals(expectedLoss, loss, tolerance + 2 * Math.ulp(loss), k + " loss");
        }
    }

    @Test
    void extremeLogitsNeitherOverflowNorLoseTheWinner() {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {
            1e30f, 0f, -1e30f, -inf, -inf, 88.8f, 88.7f, -200f, -1e30f, -1e30f, -1e30f, -1e30f,
        };
        int[] labels = {0, 0, 2};
        for (Kernels k : BOTH) {
            float[] y = new float[x.length];
            float[] logY = new float[x.length];
            float[] grad = new float[x.length];
            k.softmaxRows(x, 0, y, 0, 3, 4);
            k.logSoftmaxRows(x, 0, logY, 0, 3, 4);
            float loss = k.softmaxCrossEntropy(x, 0, 3, 4, labels, 0, grad, 0);
            String name = k.toString();
            assertEquals(1f, y[0], name);
            assertEquals(0f, y[1], name);
            assertEquals(0f, y[3], name);
            assertEquals(0f, logY[0], name);
            assertEquals(-inf, logY[3], name);
            assertEquals(-1e30f, logY[1], 1e24, name);
            double p5 = 1 / (1 + Math.exp((double) 88.7f - 88.8f));
            assertEquals(p5, y[5], 4 * U, name);
            assertEquals(Math.log(p5), logY[5], 4 * U, name);
            assertEquals(0.25f, y[8], name); // four equal huge logits
            // Row 1's label logit is -∞ (probability 0): the loss is +∞, yet the gradient stays finite.
            assertEquals(inf, loss, name);
            for (float v : y) {
                assertTrue(v >= 0f && v <= 1f, name + ": " + v);
            }
            for (float v : grad) {
                assertTrue(Float.isFinite(v), name + ": gradient " + v);
            }
            assertEquals(-1f / 3, grad[4], 1e-7, name);
        }
    }

    @Test
    void crossEntropyGradientMatchesCentralDifferences() {
        int rows = 5;
        int cols = 13;
        Random random = new Random(11);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 2;
        }
        int[] labels = {0, 12, 3, 7, 7};
        for (Kernels k : BOTH) {
            float[] grad = new float[x.length];
            k.softmaxCrossEntropy(x, 0, rows, cols, labels, 0, grad, 0);
            float[] numeric = centralDifferences(k, x, rows, cols, labels, 1e-2f);
            double maxDiff = maxDifference(grad, numeric);
            // Truncation O(h²) plus float rounding of the loss (~1e-7 / h) stays far below 3e-4;
            // a gradient off by a factor (e.g. missing the 1/rows) or a sign is off by > 1e-2.
            assertTrue(maxDiff < 3e-4, k + ": max |analytic - numeric| = " + maxDiff);
            float[] wrong = grad.clone();
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] *= rows;
            }
            assertTrue(maxDifference(wrong, numeric) > 1e-2, "the check rejects a gradient without the 1/rows");
            for (int r = 0; r < rows; r++) {
                assertEquals(0f, k.sum(grad, r * cols, cols), 1e-7, "each gradient row sums to 0");
            }
        }
    }

    static float[] centralDifferences(Kernels k, float[] x, int rows, int cols, int[] labels, float h) {
        float[] numeric = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float[] plus = x.clone();
            float[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            float lossPlus = k.softmaxCrossEntropy(plus, 0, rows, cols, labels, 0, null, 0);
            float lossMinus = k.softmaxCrossEntropy(minus, 0, rows, cols, labels, 0, null, 0);
            numeric[i] = (lossPlus - lossMinus) / (plus[i] - minus[i]);
        }
        return numeric;
    }

    static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** log softmax of one row in double precision. */
    static double[] logSoftmax(float[] x, int offset, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[offset + j]);
        }
        double total = 0;
        for (int j = 0; j < cols; j++) {
            total += Math.exp(x[offset + j] - max);
        }
        double[] out = new double[cols];
        for (int j = 0; j < cols; j++) {
            out[j] = x[offset + j] - max - Math.log(total);
        }
        return out;
    }
}

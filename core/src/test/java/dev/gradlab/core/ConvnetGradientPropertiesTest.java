package dev.gradlab.core;

import static dev.gradlab.core.Checks.assertGradients;
import static dev.gradlab.core.Checks.param;
import static dev.gradlab.core.Checks.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gradlab.core.nn.Flatten;
import dev.gradlab.core.nn.Unflatten;
import dev.gradlab.core.ops.AvgPool2dFunction;
import dev.gradlab.core.ops.Conv2dFunction;
import dev.gradlab.core.ops.DropoutFunction;
import dev.gradlab.core.ops.MaxPool2dFunction;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The convnet ops' backwards against GradCheck on random small shapes, strides and paddings, each
 * output reduced by a weighted sum with fixed random weights; and proof that the same check rejects
 * wrong backwards of a convolution and a max-pool.
 */
class ConvnetGradientPropertiesTest {

    private static final int TRIES = 25;

    private static Tensor weightedSum(Tensor y, Tensor weights) {
        return y.mul(weights).sum();
    }

    private static int outSize(int size, int kernel, int stride, int padding) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    @Property(tries = TRIES)
    void conv2d(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 3) int o,
            @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 6) int h,
            @ForAll @IntRange(min = 1, max = 6) int w,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll boolean bias,
            @ForAll long seed) {
        Assume.that(h + 2 * padding >= k && w + 2 * padding >= k);
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, n, c, h, w));
        Tensor weight = param(uniform(random, -1, 1, o, c, k, k));
        Tensor b = param(uniform(random, -1, 1, o));
        Tensor g = uniform(random, -1, 1, n, o, outSize(h, k, stride, padding), outSize(w, k, stride, padding));
        if (bias) {
            assertGradients(
                    () -> weightedSum(new Conv2dFunction(stride, padding).apply(x, weight, b), g),
                    "x",
                    x,
                    "weight",
                    weight,
                    "bias",
                    b);
        } else {
            assertGradients(
                    () -> weightedSum(new Conv2dFunction(stride, padding).apply(x, weight), g),
                    "x",
                    x,
                    "weight",
                    weight);
        }
    }

    /** The forward against the definition summed by direct loops, for every stride and padding. */
    @Property(tries = TRIES)
    void conv2dForwardIsTheDirectSum(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 3) int o,
            @ForAll @IntRange(min = 1, max = 5) int k,
            @ForAll @IntRange(min = 1, max = 9) int h,
            @ForAll @IntRange(min = 1, max = 9) int w,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll long seed) {
        Assume.that(h + 2 * padding >= k && w + 2 * padding >= k);
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = uniform(random, -1, 1, n, c, h, w);
        Tensor weight = uniform(random, -1, 1, o, c, k, k);
        Tensor b = uniform(random, -1, 1, o);
        float[] y = new Conv2dFunction(stride, padding).apply(x, weight, b).data();
        int oh = outSize(h, k, stride, padding);
        int ow = outSize(w, k, stride, padding);
        for (int s = 0, at = 0; s < n; s++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, at++) {
                        double sum = b.data()[f];
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int row = i * stride - padding + u;
                                    int col = j * stride - padding + v;
                                    if (row >= 0 && row < h && col >= 0 && col < w) {
                                        sum += (double) weight.data()[((f * c + ch) * k + u) * k + v]
                                                * x.data()[((s * c + ch) * h + row) * w + col];
                                    }
                                }
                            }
                        }
                        assertEquals(sum, y[at], 1e-5, "output " + at);
                    }
                }
            }
        }
    }

    /**
     * At stride 1 without padding and with few taps (C·k·k ≤ 32, read at shifts of the image rather
     * than through im2col), the forward is the definition summed as the packed GEMM sums: a fused
     * multiply-add chain over the taps in order from 0, the bias added last, bit for bit; on planes
     * wide enough for the shifted reads' vector blocks and their overlapping last block, and on
     * narrow ones.
     */
    @Property(tries = 60)
    void conv2dWithFewTapsIsTheFusedChainBitForBit(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 9) int o,
            @ForAll @IntRange(min = 1, max = 5) int k,
            @ForAll @IntRange(min = 5, max = 40) int h,
            @ForAll @IntRange(min = 5, max = 40) int w,
            @ForAll boolean bias,
            @ForAll long seed) {
        Assume.that(c * k * k <= 32);
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = uniform(random, -1, 1, n, c, h, w);
        Tensor weight = uniform(random, -1, 1, o, c, k, k);
        Tensor b = uniform(random, -1, 1, o);
        Conv2dFunction conv = new Conv2dFunction(1, 0);
        float[] y = (bias ? conv.apply(x, weight, b) : conv.apply(x, weight)).data();
        int oh = h - k + 1;
        int ow = w - k + 1;
        float[] xd = x.data();
        float[] wd = weight.data();
        for (int s = 0, at = 0; s < n; s++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, at++) {
                        float sum = 0f;
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    sum = Math.fma(
                                            wd[((f * c + ch) * k + u) * k + v],
                                            xd[((s * c + ch) * h + i + u) * w + j + v],
                                            sum);
                                }
                            }
                        }
                        float expected = bias ? sum + b.data()[f] : sum;
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[at]), "output " + at);
                    }
                }
            }
        }
    }

    /**
     * Max-pool's values and winners, with and without a gradient to route, against a direct search:
     * the maximum in {@link Math#max}'s order (−0 below +0, NaN above all), the first of a tie in
     * row-major order winning; inputs drawn from a few values, so ties, zeros of both signs and NaNs
     * are common.
     */
    @Property(tries = 60)
    void maxPool2dValuesAndWinnersAreTheDirectSearchs(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 4) int extraH,
            @ForAll @IntRange(min = 0, max = 4) int extraW,
            @ForAll boolean withNaN,
            @ForAll long seed) {
        assertMaxPoolIsTheDirectSearch(n, c, k, stride, k + extraH, k + extraW, withNaN, seed);
    }

    /** The same for the 2×2 windows at stride 2 over planes wide enough for the vectorized kernel's steps. */
    @Property(tries = 60)
    void maxPool2x2ValuesAndWinnersAreTheDirectSearchsOnWidePlanes(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 2, max = 7) int h,
            @ForAll @IntRange(min = 8, max = 29) int w,
            @ForAll boolean withNaN,
            @ForAll long seed) {
        assertMaxPoolIsTheDirectSearch(n, c, 2, 2, h, w, withNaN, seed);
    }

    private static void assertMaxPoolIsTheDirectSearch(
            int n, int c, int k, int stride, int h, int w, boolean withNaN, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pool = {0f, -0f, 1f, -1f, 2f, withNaN ? Float.NaN : 3f};
        Tensor x = Tensor.zeros(n, c, h, w);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = pool[random.nextInt(pool.length)];
        }
        float[] plain;
        try (var scope = Tape.noGrad()) {
            plain = new MaxPool2dFunction(k, stride).apply(x).data();
        }
        Tensor leaf = param(x);
        Tensor y = new MaxPool2dFunction(k, stride).apply(leaf);
        Tensor g = uniform(random, 1, 2, y.shape());
        y.mul(g).sum().backward();
        int oh = outSize(h, k, stride, 0);
        int ow = outSize(w, k, stride, 0);
        float[] expectedGrad = new float[x.size()];
        for (int plane = 0, q = 0; plane < n * c; plane++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, q++) {
                    int best = plane * h * w + i * stride * w + j * stride;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int at = plane * h * w + (i * stride + u) * w + j * stride + v;
                            float a = x.data()[at];
                            float m = x.data()[best];
                            if (!Float.isNaN(m) && (Float.isNaN(a) || Float.compare(a, m) > 0)) {
                                best = at;
                            }
                        }
                    }
                    int bits = Float.floatToIntBits(y.data()[q]);
                    assertEquals(Float.floatToIntBits(x.data()[best]), bits, "window " + q);
                    assertEquals(Float.floatToIntBits(plain[q]), bits, "window " + q + " without a gradient");
                    expectedGrad[best] += g.data()[q];
                }
            }
        }
        assertArrayEquals(expectedGrad, leaf.grad().data());
    }

    /** Distinct values at least 0.05 apart, so that the checker's ±0.02 steps never change a window's maximum. */
    private static Tensor spreadOut(SplittableRandom random, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.05f * (i - d.length / 2);
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float swap = d[i];
            d[i] = d[j];
            d[j] = swap;
        }
        return t;
    }

    @Property(tries = TRIES)
    void maxPool2d(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 4) int extraH,
            @ForAll @IntRange(min = 0, max = 4) int extraW,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(spreadOut(random, n, c, k + extraH, k + extraW));
        Tensor g = uniform(random, -1, 1, n, c, outSize(k + extraH, k, stride, 0), outSize(k + extraW, k, stride, 0));
        assertGradients(() -> weightedSum(new MaxPool2dFunction(k, stride).apply(x), g), "x", x);
    }

    @Property(tries = TRIES)
    void avgPool2d(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 4) int extraH,
            @ForAll @IntRange(min = 0, max = 4) int extraW,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, n, c, k + extraH, k + extraW));
        Tensor g = uniform(random, -1, 1, n, c, outSize(k + extraH, k, stride, 0), outSize(k + extraW, k, stride, 0));
        assertGradients(() -> weightedSum(new AvgPool2dFunction(k, stride).apply(x), g), "x", x);
    }

    @Property(tries = TRIES)
    void flattenAndUnflatten(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 3) int c,
            @ForAll @IntRange(min = 1, max = 4) int h,
            @ForAll @IntRange(min = 1, max = 4) int w,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor rows = param(uniform(random, -1, 1, n, c * h * w));
        Tensor g = uniform(random, -1, 1, n, c, h * w);
        // Rows to images, then the last two dimensions merged: each step's backward is checked through the other.
        assertGradients(
                () -> weightedSum(new Flatten(2, 3).forward(new Unflatten(1, c, h, w).forward(rows)), g), "rows", rows);
    }

    @Property(tries = TRIES)
    void dropoutWithAFixedMask(
            @ForAll @IntRange(min = 1, max = 4) int rows,
            @ForAll @IntRange(min = 1, max = 6) int cols,
            @ForAll @IntRange(min = 0, max = 9) int tenths,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, rows, cols));
        Tensor g = uniform(random, -1, 1, rows, cols);
        // A fresh generator from the same seed per evaluation: the checker sees one fixed mask.
        assertGradients(
                () -> weightedSum(new DropoutFunction(tenths / 10f, new SplittableRandom(seed)).apply(x), g), "x", x);
    }

    /** Max-pool whose backward sends each gradient to the window's top-left element, not to its maximum. */
    static final class MaxPoolToTheCorner extends Function {
        private final int kernel;
        private int[] shape;

        MaxPoolToTheCorner(int kernel) {
            this.kernel = kernel;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            shape = in[0].shape();
            Tensor y = new MaxPool2dFunction(kernel, kernel).apply(in[0]);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor gx = newTensor(shape);
            int oh = g.dim(2);
            int ow = g.dim(3);
            for (int plane = 0; plane < shape[0] * shape[1]; plane++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        gx.data()[(plane * shape[2] + i * kernel) * shape[3] + j * kernel] +=
                                g.data()[(plane * oh + i) * ow + j];
                    }
                }
            }
            return new Tensor[] {gx};
        }
    }

    /**
     * Convolution (stride 1, no padding) by direct loops, whose input gradient uses the kernel
     * flipped when {@code flip} (the convolution-versus-correlation mix-up); correct otherwise.
     */
    static final class DirectConv extends Function {
        private final boolean flip;

        DirectConv(boolean flip) {
            this.flip = flip;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            saveForBackward(in[0], in[1]);
            return new Conv2dFunction(1, 0).apply(in[0], in[1]);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor x = saved(0);
            Tensor w = saved(1);
            int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2);
            int oh = g.dim(2), ow = g.dim(3);
            Tensor gx = newTensorLike(x);
            Tensor gw = newTensorLike(w);
            for (int s = 0; s < n; s++) {
                for (int f = 0; f < o; f++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) {
                                float gv = g.data()[((s * o + f) * oh + i) * ow + j];
                                for (int u = 0; u < k; u++) {
                                    for (int v = 0; v < k; v++) {
                                        int xi = ((s * c + ch) * h + i + u) * wd + j + v;
                                        int wu = flip ? k - 1 - u : u;
                                        int wv = flip ? k - 1 - v : v;
                                        gx.data()[xi] += gv * w.data()[((f * c + ch) * k + wu) * k + wv];
                                        gw.data()[((f * c + ch) * k + u) * k + v] += gv * x.data()[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return new Tensor[] {gx, gw};
        }
    }

    @Property(tries = 20)
    void aMaxPoolRoutingToTheCornerIsRejected(@ForAll @IntRange(min = 2, max = 3) int k, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(spreadOut(random, 2, 2, 2 * k, 2 * k));
        Tensor g = uniform(random, 0.5, 1, 2, 2, 2, 2);
        GradCheck.Result result = GradCheck.check(() -> weightedSum(new MaxPoolToTheCorner(k).apply(x), g), x);
        // Unless every window's maximum sits in its corner (chance (1/k²)^8), the gradient is misrouted.
        assertFalse(result.passed(), result::describe);
    }

    @Property(tries = 20)
    void aConvolutionWithAFlippedKernelInItsInputGradientIsRejected(
            @ForAll @IntRange(min = 2, max = 3) int k, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, 2, 2, k + 2, k + 2));
        Tensor w = param(uniform(random, -1, 1, 3, 2, k, k));
        Tensor g = uniform(random, -1, 1, 2, 3, 3, 3);
        assertGradients(() -> weightedSum(new DirectConv(false).apply(x, w), g), "x", x, "weight", w);
        x.zeroGrad();
        w.zeroGrad();
        GradCheck.Result result = GradCheck.check(() -> weightedSum(new DirectConv(true).apply(x, w), g), x);
        assertFalse(result.passed(), result::describe);
    }
}

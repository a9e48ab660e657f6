package dev.gradlab.core;

import static dev.gradlab.core.Checks.assertGradients;
import static dev.gradlab.core.Checks.awayFromZero;
import static dev.gradlab.core.Checks.param;
import static dev.gradlab.core.Checks.uniform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The backward of every tensor op against central differences ({@link GradCheck}) over random
 * shapes of rank 0 to 4, random broadcasting pairs (size-1 dims, missing leading dims, rank-0
 * operands) and random dims, negative ones included. Each output is reduced by a weighted sum with
 * fixed random weights, so every output element gets a gradient of its own. Inputs stay at least
 * 0.05 (over twice the checker's 2h = 0.02) from the kinks of abs, relu, clamp, max and min: they
 * are drawn from grids that avoid them.
 */
class TensorOpGradientPropertiesTest {

    private static final int TRIES = 30;

    // ---- random shapes and values ----

    /** A shape of rank in [minRank, maxRank] with dims in [1, 4]. */
    static int[] shape(SplittableRandom r, int minRank, int maxRank) {
        int[] s = new int[r.nextInt(minRank, maxRank + 1)];
        for (int d = 0; d < s.length; d++) {
            s[d] = r.nextInt(1, 5);
        }
        return s;
    }

    /** {@code out} with some leading dims dropped and some dims set to 1: it broadcasts to {@code out}. */
    static int[] broadcastable(SplittableRandom r, int[] out) {
        int[] s = Arrays.copyOfRange(out, r.nextInt(out.length + 1), out.length);
        for (int d = 0; d < s.length; d++) {
            if (r.nextInt(3) == 0) {
                s[d] = 1;
            }
        }
        return s;
    }

    /** Values {@code spacing·k + offset} for random integers k in [−n, n]: a grid that avoids chosen points. */
    static Tensor grid(SplittableRandom r, double spacing, double offset, int n, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (spacing * r.nextInt(-n, n + 1) + offset);
        }
        return t;
    }

    /** Distinct values, 0.1 apart, in random order: no ties for max and min. */
    static Tensor distinct(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (0.1 * (i - d.length / 2.0));
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float v = d[i];
            d[i] = d[j];
            d[j] = v;
        }
        return t;
    }

    private static Tensor weightedSum(Tensor y, long seed) {
        return y.mul(uniform(new SplittableRandom(seed), -1, 1, y.shape())).sum();
    }

    private static void checkUnary(Tensor x, UnaryOperator<Tensor> op, long seed) {
        param(x);
        assertGradients(() -> weightedSum(op.apply(x), seed), "x " + Arrays.toString(x.shape()), x);
    }

    private static void checkBinary(Tensor x, Tensor y, BinaryOperator<Tensor> op, long seed) {
        param(x);
        param(y);
        assertGradients(
                () -> weightedSum(op.apply(x, y), seed),
                "x " + Arrays.toString(x.shape()),
                x,
                "y " + Arrays.toString(y.shape()),
                y);
    }

    private static int dim(SplittableRandom r, int rank) {
        return r.nextInt(-rank, rank);
    }

    // ---- binary, broadcasting ----

    private static void checkBroadcasting(
            long seed, double lo, double hi, double ylo, double yhi, BinaryOperator<Tensor> op) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = shape(r, 0, 4);
        Tensor x = uniform(r, lo, hi, broadcastable(r, out));
        Tensor y = uniform(r, ylo, yhi, broadcastable(r, out));
        if (r.nextBoolean()) {
            checkBinary(y, x, op, seed);
        } else {
            checkBinary(x, y, op, seed);
        }
    }

    @Property(tries = TRIES)
    void add(@ForAll long seed) {
        checkBroadcasting(seed, -2, 2, -2, 2, Tensor::add);
    }

    @Property(tries = TRIES)
    void sub(@ForAll long seed) {
        checkBroadcasting(seed, -2, 2, -2, 2, Tensor::sub);
    }

    @Property(tries = TRIES)
    void mul(@ForAll long seed) {
        checkBroadcasting(seed, -2, 2, -2, 2, Tensor::mul);
    }

    @Property(tries = TRIES)
    void div(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = shape(r, 0, 4);
        Tensor x = uniform(r, -2, 2, broadcastable(r, out));
        Tensor y = awayFromZero(r, 0.5, 2, broadcastable(r, out));
        checkBinary(x, y, Tensor::div, seed);
    }

    @Property(tries = TRIES)
    void pow(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = shape(r, 0, 4);
        Tensor x = uniform(r, 0.5, 2, broadcastable(r, out));
        Tensor p = uniform(r, -2, 2, broadcastable(r, out));
        checkBinary(x, p, Tensor::pow, seed);
    }

    @Property(tries = TRIES)
    void maximumAndMinimum(@ForAll long seed, @ForAll boolean minimum) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = shape(r, 0, 4);
        // x on 0.2k + 0.05, y on 0.2k − 0.05: never closer than 0.1
        Tensor x = grid(r, 0.2, 0.05, 8, broadcastable(r, out));
        Tensor y = grid(r, 0.2, -0.05, 8, broadcastable(r, out));
        checkBinary(x, y, minimum ? Tensor::minimum : Tensor::maximum, seed);
    }

    @Property(tries = TRIES)
    void floatForms(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // Away from x^-v's steep end near 0.5 with v near 2, where float32 finite differences
        // themselves miss by about 1%.
        Tensor x = uniform(r, 0.8, 2, shape(r, 0, 4));
        float v = (float) r.nextDouble(0.5, 1.5);
        // (x + v)·v − v/4 stays above 0.75·v, so the non-integer power has a positive base. Both terms
        // rise with x: added, their slopes would cancel to near 0, where float32 differences miss by 1%.
        checkUnary(x, t -> t.add(v).mul(v).sub(v / 4).div(v).pow(v).sub(t.pow(-v)), seed);
    }

    // ---- unary ----

    @Property(tries = TRIES)
    void neg(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, -2, 2, shape(r, 0, 4)), Tensor::neg, seed);
    }

    @Property(tries = TRIES)
    void exp(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, -2, 2, shape(r, 0, 4)), Tensor::exp, seed);
    }

    @Property(tries = TRIES)
    void log(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, 0.3, 3, shape(r, 0, 4)), Tensor::log, seed);
    }

    @Property(tries = TRIES)
    void sqrt(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, 0.3, 3, shape(r, 0, 4)), Tensor::sqrt, seed);
    }

    @Property(tries = TRIES)
    void abs(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(awayFromZero(r, 0.05, 2, shape(r, 0, 4)), Tensor::abs, seed);
    }

    @Property(tries = TRIES)
    void reciprocal(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(awayFromZero(r, 0.5, 2, shape(r, 0, 4)), Tensor::reciprocal, seed);
    }

    @Property(tries = TRIES)
    void square(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, -2, 2, shape(r, 0, 4)), Tensor::square, seed);
    }

    @Property(tries = TRIES)
    void clamp(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // values on 0.1k + 0.05: at least 0.05 from the bounds ±0.5
        checkUnary(grid(r, 0.1, 0.05, 10, shape(r, 0, 4)), t -> t.clamp(-0.5f, 0.5f), seed);
    }

    @Property(tries = TRIES)
    void activations(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 0, 4);
        checkUnary(
                awayFromZero(r, 0.05, 2, s),
                t -> t.relu().add(t.requ()).add(t.sigmoid()).add(t.tanh()),
                seed);
    }

    // ---- reductions ----

    @Property(tries = TRIES)
    void sumAndMeanAlongADim(@ForAll long seed, @ForAll boolean keepdim, @ForAll boolean mean) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int d = dim(r, s.length);
        checkUnary(uniform(r, -2, 2, s), t -> mean ? t.mean(d, keepdim) : t.sum(d, keepdim), seed);
    }

    @Property(tries = TRIES)
    void sumAndMeanOfAll(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(uniform(r, -2, 2, shape(r, 0, 4)), t -> t.sum().add(t.mean().mul(3f)), seed);
    }

    @Property(tries = TRIES)
    void maxAndMinAlongADim(@ForAll long seed, @ForAll boolean keepdim, @ForAll boolean min) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int d = dim(r, s.length);
        checkUnary(distinct(r, s), t -> min ? t.min(d, keepdim) : t.max(d, keepdim), seed);
    }

    @Property(tries = TRIES)
    void maxAndMinOfAll(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        checkUnary(distinct(r, shape(r, 0, 4)), t -> t.max().sub(t.min().mul(2f)), seed);
    }

    @Property(tries = TRIES)
    void softmaxAndLogSoftmax(@ForAll long seed, @ForAll boolean log) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int d = dim(r, s.length);
        checkUnary(uniform(r, -3, 3, s), t -> log ? t.logSoftmax(d) : t.softmax(d), seed);
    }

    // ---- shape and indexing ----

    @Property(tries = TRIES)
    void reshapeFlattenSqueezeUnsqueeze(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int size = Arrays.stream(s).reduce(1, (a, b) -> a * b);
        int start = r.nextInt(s.length);
        int end = r.nextInt(start, s.length);
        int at = r.nextInt(-s.length - 1, s.length + 1);
        // the reshape's weights are drawn for [size], the others' for their own shapes
        checkUnary(
                uniform(r, -2, 2, s),
                t -> t.reshape(-1)
                        .add(t.flatten(start, end).reshape(size))
                        .add(t.unsqueeze(at).squeeze(at).reshape(size, -1).reshape(size)),
                seed);
    }

    @Property(tries = TRIES)
    void transposeAndPermute(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < s.length; d++) {
            order.add(d - (r.nextBoolean() ? s.length : 0));
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
        int a = dim(r, s.length);
        int b = dim(r, s.length);
        checkUnary(
                uniform(r, -2, 2, s),
                t -> t.permute(perm)
                        .flatten(0, -1)
                        .add(t.transpose(a, b)
                                .mul(2f)
                                .flatten(0, -1)
                                .mul(t.transpose(a, b).flatten(0, -1))),
                seed);
    }

    @Property(tries = TRIES)
    void expand(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = shape(r, 0, 4);
        int[] in = broadcastable(r, out);
        int[] sizes = out.clone();
        for (int d = 1; d <= in.length; d++) {
            if (r.nextBoolean() && in[in.length - d] == out[out.length - d]) {
                sizes[sizes.length - d] = -1;
            }
        }
        checkUnary(uniform(r, -2, 2, in), t -> t.expand(sizes), seed);
    }

    @Property(tries = TRIES)
    void catAndStack(@ForAll long seed, @ForAll boolean stack) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int d = stack ? r.nextInt(-s.length - 1, s.length + 1) : dim(r, s.length);
        int[] t = s.clone();
        if (!stack) {
            t[d < 0 ? d + s.length : d] = r.nextInt(1, 4);
        }
        Tensor x = uniform(r, -2, 2, s);
        Tensor y = uniform(r, -2, 2, t);
        checkBinary(x, y, (a, b) -> stack ? Tensor.stack(List.of(a, b, a), d) : Tensor.cat(List.of(a, b, a), d), seed);
    }

    @Property(tries = TRIES)
    void selectNarrowIndexSelect(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = shape(r, 1, 4);
        int d = dim(r, s.length);
        int size = s[d < 0 ? d + s.length : d];
        int index = r.nextInt(-size, size);
        int start = r.nextInt(size);
        int length = r.nextInt(size - start + 1);
        int[] indices = r.ints(r.nextInt(1, 6), 0, size).toArray();
        checkUnary(
                uniform(r, -2, 2, s),
                t -> t.select(d, index)
                        .sum()
                        .add(t.narrow(d, start, length)
                                .sum(d, true)
                                .mul(t.narrow(d, start, length).sum(d, true))
                                .sum())
                        .add(t.indexSelect(d, indices).square().sum()),
                seed);
    }

    @Property(tries = TRIES)
    void batchedMatmulBroadcasting(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] batch = shape(r, 0, 3);
        int m = r.nextInt(1, 5);
        int k = r.nextInt(1, 5);
        int n = r.nextInt(1, 5);
        int[] a = concat(broadcastable(r, batch), m, k);
        int[] b = concat(broadcastable(r, batch), k, n);
        checkBinary(uniform(r, -1, 1, a), uniform(r, -1, 1, b), Tensor::matmul, seed);
    }

    @Property(tries = TRIES)
    void matmulWithVectors(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = r.nextInt(1, 5);
        int[] other = concat(shape(r, 0, 2), k, r.nextInt(1, 4));
        Tensor v = uniform(r, -1, 1, k);
        Tensor w = uniform(r, -1, 1, k);
        checkBinary(v, uniform(r, -1, 1, other), Tensor::matmul, seed);
        checkBinary(uniform(r, -1, 1, other).transpose(-1, -2).detach(), w, Tensor::matmul, seed);
        checkBinary(uniform(r, -1, 1, k), uniform(r, -1, 1, k), Tensor::matmul, seed);
    }

    private static int[] concat(int[] head, int... tail) {
        int[] s = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, s, head.length, tail.length);
        return s;
    }
}

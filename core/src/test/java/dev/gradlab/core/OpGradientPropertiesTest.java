package dev.gradlab.core;

import static dev.gradlab.core.Checks.assertGradients;
import static dev.gradlab.core.Checks.awayFromZero;
import static dev.gradlab.core.Checks.param;
import static dev.gradlab.core.Checks.uniform;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every op's backward against GradCheck on random shapes and values. Ops with a tensor output are
 * reduced by a weighted sum with fixed random weights, so that each output element gets its own
 * gradient. ReLU and ReQU inputs keep |x| >= 0.1, well beyond the checker's 2h = 0.02 from the kink.
 */
class OpGradientPropertiesTest {

    private static final int TRIES = 25;

    private static Tensor weightedSum(Tensor y, SplittableRandom random) {
        Tensor w = uniform(random, -1, 1, y.shape());
        return y.mul(w).sum();
    }

    @Property(tries = TRIES)
    void matmulInEveryTransposeForm(
            @ForAll @IntRange(min = 1, max = 6) int m,
            @ForAll @IntRange(min = 1, max = 6) int n,
            @ForAll @IntRange(min = 1, max = 6) int k,
            @ForAll boolean transA,
            @ForAll boolean transB,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor a = param(uniform(random, -1, 1, transA ? new int[] {k, m} : new int[] {m, k}));
        Tensor b = param(uniform(random, -1, 1, transB ? new int[] {n, k} : new int[] {k, n}));
        Tensor w = uniform(random, -1, 1, m, n);
        assertGradients(() -> a.matmul(b, transA, transB).mul(w).sum(), "a", a, "b", b);
    }

    @Property(tries = TRIES)
    void add(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, rows, cols));
        Tensor y = param(uniform(random, -1, 1, rows, cols));
        Tensor w = uniform(random, -1, 1, rows, cols);
        assertGradients(() -> x.add(y).mul(w).sum(), "x", x, "y", y);
    }

    @Property(tries = TRIES)
    void biasAdd(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -1, 1, rows, cols));
        Tensor b = param(uniform(random, -1, 1, cols));
        Tensor w = uniform(random, -1, 1, rows, cols);
        assertGradients(() -> x.add(b).mul(w).sum(), "x", x, "bias", b);
    }

    @Property(tries = TRIES)
    void mulAndSum(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -2, 2, rows, cols));
        Tensor y = param(uniform(random, -2, 2, rows, cols));
        assertGradients(() -> x.mul(y).sum(), "x", x, "y", y);
    }

    @Property(tries = TRIES)
    void mean(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -2, 2, rows, cols));
        Tensor y = uniform(random, -2, 2, rows, cols);
        assertGradients(() -> x.mul(y).mean(), "x", x);
    }

    @Property(tries = TRIES)
    void sigmoid(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -6, 6, rows, cols));
        assertGradients(() -> weightedSum(x.sigmoid(), new SplittableRandom(seed)), "x", x);
    }

    @Property(tries = TRIES)
    void tanh(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -3, 3, rows, cols));
        assertGradients(() -> weightedSum(x.tanh(), new SplittableRandom(seed)), "x", x);
    }

    @Property(tries = TRIES)
    void relu(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(awayFromZero(random, 0.1, 3, rows, cols));
        assertGradients(() -> weightedSum(x.relu(), new SplittableRandom(seed)), "x", x);
    }

    @Property(tries = TRIES)
    void requ(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(awayFromZero(random, 0.1, 3, rows, cols));
        assertGradients(() -> weightedSum(x.requ(), new SplittableRandom(seed)), "x", x);
    }

    @Property(tries = TRIES)
    void logSoftmax(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = param(uniform(random, -4, 4, rows, cols));
        assertGradients(() -> weightedSum(x.logSoftmax(), new SplittableRandom(seed)), "x", x);
    }

    @Property(tries = TRIES)
    void crossEntropy(
            @ForAll @IntRange(min = 1, max = 6) int rows,
            @ForAll @IntRange(min = 2, max = 7) int classes,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor logits = param(uniform(random, -4, 4, rows, classes));
        int[] labels = random.ints(rows, 0, classes).toArray();
        assertGradients(() -> Losses.crossEntropy(logits, labels), "logits", logits);
    }

    @Property(tries = TRIES)
    void crossEntropyScaledByALaterOp(
            @ForAll @IntRange(min = 1, max = 6) int rows,
            @ForAll @IntRange(min = 2, max = 7) int classes,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor logits = param(uniform(random, -4, 4, rows, classes));
        Tensor scale = param(uniform(random, 0.5, 2, 1));
        int[] labels = random.ints(rows, 0, classes).toArray();
        assertGradients(
                () -> {
                    Tensor loss = Losses.crossEntropy(logits, labels);
                    return Tensor.wrap(new float[] {1}, 1).mul(scale).sum().mul(loss);
                },
                "logits",
                logits,
                "scale",
                scale);
    }

    @Property(tries = TRIES)
    void mse(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 7) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor p = param(uniform(random, -2, 2, rows, cols));
        Tensor t = param(uniform(random, -2, 2, rows, cols));
        assertGradients(() -> Losses.mse(p, t), "prediction", p, "target", t);
    }
}

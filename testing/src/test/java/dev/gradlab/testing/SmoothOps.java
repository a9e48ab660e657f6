package dev.gradlab.testing;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.testing.GradientAssertions.Expression;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ops on which the default tolerance is chosen and tested, each with random inputs from a seed
 * and a version whose backward is {@code scale} times the true one.
 */
final class SmoothOps {

    /** One op: a name, its inputs for a seed, and its expression with the backward scaled. */
    record Op(
            String name,
            java.util.function.LongFunction<Tensor[]> inputs,
            java.util.function.DoubleFunction<Expression> scaled) {}

    private SmoothOps() {}

    static Tensor scaled(double scale, Tensor y) {
        return scale == 1 ? y : new GradScale((float) scale).apply(y);
    }

    static final List<Op> ALL = List.of(
            new Op(
                    "sigmoid",
                    seed -> new Tensor[] {uniform(seed, -6, 6, shape(seed, 2))},
                    s -> xs -> scaled(s, xs[0].sigmoid())),
            new Op(
                    "tanh",
                    seed -> new Tensor[] {uniform(seed, -3, 3, shape(seed, 2))},
                    s -> xs -> scaled(s, xs[0].tanh())),
            new Op(
                    "silu x·sigmoid(x)",
                    seed -> new Tensor[] {uniform(seed, -6, 6, shape(seed, 2))},
                    s -> xs -> scaled(s, xs[0].mul(xs[0].sigmoid()))),
            new Op(
                    "mul",
                    seed -> {
                        int[] shape = shape(seed, 2);
                        return new Tensor[] {uniform(seed, -2, 2, shape), uniform(seed + 1, -2, 2, shape)};
                    },
                    s -> xs -> scaled(s, xs[0].mul(xs[1]))),
            new Op(
                    "matmul",
                    seed -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        int m = 1 + r.nextInt(8);
                        int k = 1 + r.nextInt(16);
                        int n = 1 + r.nextInt(8);
                        return new Tensor[] {uniform(seed, -1, 1, m, k), uniform(seed + 1, -1, 1, k, n)};
                    },
                    s -> xs -> scaled(s, xs[0].matmul(xs[1]))),
            new Op(
                    "logSoftmax",
                    seed -> new Tensor[] {uniform(seed, -4, 4, 1 + (int) (seed % 8), 1 + (int) (seed % 11))},
                    s -> xs -> scaled(s, xs[0].logSoftmax())));

    /** A small MLP whose output passes through a {@link GradScale}, for the cross-entropy check of its parameters. */
    static Module mlp(long seed, boolean tanh, double scale) {
        Module activation = tanh ? new Tanh() : new Sigmoid();
        Module scaling = new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return scaled(scale, x);
            }

            @Override
            public List<Tensor> parameters() {
                return List.of();
            }
        };
        return new Sequential(new Linear(6, 5, true, seed), activation, new Linear(5, 3, true, seed + 1), scaling);
    }

    static int[] shape(long seed, int maxRank) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int rank = 1 + r.nextInt(maxRank);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + r.nextInt(12);
        }
        return shape;
    }

    static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(seed, lo, hi, shape);
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Dataset;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * How far noisy gradient estimates fall from the full-data gradient {@code g} (the backprop gradient
 * of the mean cross-entropy over a whole dataset): mini-batch gradients, and any
 * {@link GradientEstimator} such as evolution strategies. Over repeated draws it reports the mean
 * cosine to {@code g} and the relative variance {@code E‖ĝ − g‖² / ‖g‖²}. The parameters' grads are
 * overwritten; their values are left as they were.
 */
public final class GradientNoise {

    private GradientNoise() {}

    /**
     * The statistics of one kind of estimate.
     *
     * @param cosine mean cosine of the estimates to the full-data gradient
     * @param relativeVariance mean of {@code ‖ĝ − g‖² / ‖g‖²}
     * @param draws how many estimates were averaged
     */
    public record Stats(double cosine, double relativeVariance, int draws) {}

    /** The backprop gradient of the mean cross-entropy over all of {@code data}, flattened. */
    public static float[] fullGradient(Module model, Dataset data) {
        new Backprop().estimate(model, data.imagesTensor(), data.labels(), 0);
        return grads(model);
    }

    /**
     * Mini-batch gradients on {@code batch} examples drawn without replacement from {@code data},
     * {@code draws} times from {@code seed}, against {@code full}.
     *
     * @throws IllegalArgumentException when {@code batch} is not in {@code [1, data.size()]} or {@code draws < 1}
     */
    public static Stats minibatch(Module model, Dataset data, float[] full, int batch, int draws, long seed) {
        if (batch < 1 || batch > data.size()) {
            throw new InvalidSettingException("batch", "must be in [1, " + data.size() + "], got " + batch);
        }
        Checks.positive("draws", draws);
        SplittableRandom random = new SplittableRandom(seed);
        int f = data.features();
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        return stats(model, full, draws, d -> {
            // A partial Fisher-Yates shuffle picks the batch.
            for (int i = 0; i < batch; i++) {
                int j = i + random.nextInt(order.length - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            float[] x = new float[batch * f];
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(data.images(), order[i] * f, x, i * f, f);
                labels[i] = data.labels()[order[i]];
            }
            new Backprop().estimate(model, Tensor.wrap(x, batch, f), labels, d);
        });
    }

    /**
     * {@code draws} estimates of {@code estimator} on all of {@code data} (steps 0, 1, …, so that a
     * seeded estimator draws fresh noise each time), against {@code full}.
     */
    public static Stats estimator(Module model, Dataset data, float[] full, GradientEstimator estimator, int draws) {
        Checks.positive("draws", draws);
        return stats(model, full, draws, d -> estimator.estimate(model, data.imagesTensor(), data.labels(), d));
    }

    /** The statistics of {@code draws} estimates, draw {@code d} leaving its estimate in the model's grads. */
    private static Stats stats(Module model, float[] full, int draws, IntConsumer draw) {
        double cosine = 0;
        double variance = 0;
        for (int d = 0; d < draws; d++) {
            draw.accept(d);
            float[] g = grads(model);
            cosine += EstimatorComparison.cosine(g, full) / draws;
            variance += Math.pow(EstimatorComparison.relativeError(g, full), 2) / draws;
        }
        return new Stats(cosine, variance, draws);
    }

    private static float[] grads(Module model) {
        List<Tensor> params = model.parameters();
        float[] g = new float[Parameters.count(params)];
        Parameters.flattenGrads(params, g);
        return g;
    }
}

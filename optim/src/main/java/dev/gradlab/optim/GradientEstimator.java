package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;

/**
 * A way of computing or estimating the gradient of the mean cross-entropy of a model on a batch
 * with respect to its parameters: backpropagation, finite differences, evolution strategies. The
 * result lands where an optimizer reads it, in each parameter's grad, so any estimator trains with
 * any {@link Optimizer}.
 */
public interface GradientEstimator {

    /**
     * Sets each of {@code model.parameters()}'s grad to the estimate of
     * {@code d mean-cross-entropy(model(x), labels) / d param} and leaves the parameters' values as
     * they were.
     *
     * @param x a rows × features batch
     * @param labels one class index per row
     * @param step the training step; randomized estimators draw fresh noise for every step, and the
     *     same (seed, step) always gives the same estimate
     */
    Estimate estimate(Module model, Tensor x, int[] labels, long step);

    /** A short description with the settings, such as {@code es-antithetic(N=100, sigma=0.05)}. */
    String name();
}

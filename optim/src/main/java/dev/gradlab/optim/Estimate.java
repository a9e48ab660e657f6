package dev.gradlab.optim;

/**
 * What one gradient estimate cost, and the loss at the unperturbed weights when the estimator
 * computed it on the way.
 *
 * @param lossEvaluations forward passes of the model (perturbed or not) on the batch; a
 *     backpropagation counts as one
 * @param nanos wall time of the estimate
 * @param loss the mean loss on the batch at the current weights, or NaN when not computed
 */
public record Estimate(long lossEvaluations, long nanos, float loss) {

    /** An estimate that did not compute the loss at the current weights. */
    public Estimate(long lossEvaluations, long nanos) {
        this(lossEvaluations, nanos, Float.NaN);
    }
}

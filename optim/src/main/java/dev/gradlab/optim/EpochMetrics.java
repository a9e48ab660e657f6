package dev.gradlab.optim;

/**
 * One epoch of training.
 *
 * @param epoch the epoch, from 0
 * @param trainLoss the mean of the epoch's batch losses (each at the weights before its step)
 * @param testLoss mean cross-entropy on the test set after the epoch (NaN without a test set)
 * @param testAccuracy fraction of the test set classified correctly (NaN without a test set)
 * @param lossEvaluations loss evaluations of the gradient estimator since the start of training
 * @param elapsedNanos wall time since the start of training
 * @param trainingNanos the part of it spent in the training steps (estimating the gradient and
 *     stepping the optimizer), without assembling batches, evaluating the test set, listeners and
 *     checkpoints: the time {@code pytorch_train.py} counts
 */
public record EpochMetrics(
        int epoch,
        float trainLoss,
        float testLoss,
        float testAccuracy,
        long lossEvaluations,
        long elapsedNanos,
        long trainingNanos) {}

package dev.gradlab.optim;

/**
 * The outcome of a {@link Trainer} or {@link GeneticAlgorithm} run.
 *
 * @param testAccuracy final accuracy on the test set (NaN without a test set)
 * @param testLoss final mean cross-entropy on the test set (NaN without a test set)
 * @param epochs epochs completed
 * @param lossEvaluations loss evaluations of the gradient estimator over the whole run
 * @param wallNanos wall time of the run, evaluation included
 */
public record TrainingResult(float testAccuracy, float testLoss, int epochs, long lossEvaluations, long wallNanos) {}

package dev.gradlab.optim;

/**
 * Progress of a {@link Trainer} or {@link GeneticAlgorithm} run; every method is optional. Called on
 * the training thread.
 */
public interface TrainingListener {

    /** Before the first batch. */
    default void onStart(int epochs, int batchesPerEpoch) {}

    /** After each optimizer step (each generation), with its loss and the gradient it used. */
    default void onStep(TrainingStep step) {}

    /** After each epoch's evaluation. */
    default void onEpoch(EpochMetrics metrics) {}
}

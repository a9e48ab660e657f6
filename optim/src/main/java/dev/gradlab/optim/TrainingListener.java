package dev.gradlab.optim;

/** Progress of a {@link Trainer} run; every method is optional. Called on the training thread. */
public interface TrainingListener {

    /** Before the first batch. */
    default void onStart(int epochs, int batchesPerEpoch) {
    }

    /** After each optimizer step, with the batch's loss at the weights before the step. */
    default void onBatch(int epoch, int batch, float loss) {
    }

    /** After each epoch's evaluation. */
    default void onEpoch(EpochMetrics metrics) {
    }
}

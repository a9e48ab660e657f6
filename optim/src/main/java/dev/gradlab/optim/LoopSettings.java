package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Objective;
import dev.gradlab.data.Dataset;
import java.util.List;

/**
 * The settings a {@link Trainer} and a {@link GeneticAlgorithm} share, as their {@link LoopBuilder}
 * left them, checked.
 *
 * @param listeners called in the order they were added
 */
record LoopSettings(
        Objective objective,
        Dataset train,
        Dataset test,
        int epochs,
        int batchSize,
        boolean shuffle,
        long seed,
        List<TrainingListener> listeners,
        float maxLoss) {

    LoopSettings {
        listeners = List.copyOf(listeners);
        if (train.size() == 0 || (test != null && test.size() == 0)) {
            throw new IllegalArgumentException("train and test sets must not be empty, got " + train.size()
                    + " training and " + (test == null ? "no" : Integer.toString(test.size())) + " test examples");
        }
        // A batch larger than the training set would run one short batch per epoch instead.
        if (batchSize > train.size()) {
            throw new InvalidSettingException(
                    "batchSize", "must be <= the training set's size " + train.size() + ", got " + batchSize);
        }
    }

    /** {@code value}, or an error naming the builder method that was not called. */
    static <T> T required(T value, String setting, String owner) {
        if (value == null) {
            throw new IllegalStateException(
                    setting + " is not set: " + owner + ".builder()." + setting + "(...) is required");
        }
        return value;
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Objective;
import dev.gradlab.data.Dataset;
import java.util.List;

/**
 * The settings a {@link Trainer} and a {@link GeneticAlgorithm} share, as their {@link LoopBuilder}
 * left them, checked.
 *
 * @param listener every listener added, in turn
 */
record LoopSettings(Objective objective, Dataset train, Dataset test, int epochs, int batchSize, boolean shuffle,
                    long seed, TrainingListener listener, float maxLoss) {

    LoopSettings {
        if (train.size() == 0 || (test != null && test.size() == 0)) {
            throw new IllegalArgumentException("train and test sets must not be empty, got " + train.size()
                    + " training and " + (test == null ? "no" : Integer.toString(test.size())) + " test examples");
        }
        // A batch larger than the training set would run one short batch per epoch instead.
        if (batchSize > train.size()) {
            throw new InvalidSettingException("batchSize", "must be <= the training set's size " + train.size()
                    + ", got " + batchSize);
        }
    }

    /** {@code value}, or an error naming the builder method that was not called. */
    static <T> T required(T value, String setting, String owner) {
        if (value == null) {
            throw new IllegalStateException(setting + " is not set: " + owner + ".builder()." + setting
                    + "(...) is required");
        }
        return value;
    }

    /** One listener that calls each of {@code listeners} in order. */
    static TrainingListener all(List<TrainingListener> listeners) {
        List<TrainingListener> copy = List.copyOf(listeners);
        return new TrainingListener() {
            @Override
            public void onStart(int epochs, int batchesPerEpoch) {
                copy.forEach(l -> l.onStart(epochs, batchesPerEpoch));
            }

            @Override
            public void onStep(TrainingStep step) {
                for (TrainingListener l : copy) {
                    l.onStep(step);
                }
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                copy.forEach(l -> l.onEpoch(metrics));
            }
        };
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.data.Dataset;

/** The settings a {@link Trainer} and a {@link GeneticAlgorithm} share, and their checks. */
final class LoopSettings {

    private LoopSettings() {
    }

    /** {@code value}, or an error naming the builder method that was not called. */
    static <T> T required(T value, String setting, String owner) {
        if (value == null) {
            throw new IllegalStateException(setting + " is not set: " + owner + ".builder()." + setting
                    + "(...) is required");
        }
        return value;
    }

    /** A batch larger than the training set would run one short batch per epoch instead. */
    static void checkBatchSize(int batchSize, Dataset train) {
        if (batchSize > train.size()) {
            throw new InvalidSettingException("batchSize", "must be <= the training set's size " + train.size()
                    + ", got " + batchSize);
        }
    }
}

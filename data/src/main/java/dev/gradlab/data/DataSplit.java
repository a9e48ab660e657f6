package dev.gradlab.data;

/** A training set and a test set of the same kind of examples. */
public record DataSplit(Dataset train, Dataset test) {

    public DataSplit {
        if (train == null || test == null) {
            throw new IllegalArgumentException(
                    "train and test must not be null, actual train=" + train + ", test=" + test);
        }
        if (train.features() != test.features() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("train has " + train.features() + " features and " + train.classes()
                    + " classes, test has " + test.features() + " and " + test.classes());
        }
    }
}

package dev.gradlab.core;

import dev.gradlab.simd.Simd;

/**
 * What training minimises: a loss of a model's output on a {@link Batch}. Backprop differentiates
 * {@link #loss}; estimators that need no backprop, metrics and population evaluation read
 * {@link #value}, which computes the same number without recording a graph.
 *
 * <p>A user's own objective implements {@link #loss} with differentiable tensor ops (or a
 * {@link Function}); {@link #value} then follows by default.
 */
public interface Objective {

    /** The loss as a rank-0 tensor that {@link Tensor#backward()} can start from. */
    Tensor loss(Tensor output, Batch batch);

    /** The loss's value, with no graph recorded; must equal {@code loss(output, batch).item()}. */
    default float value(Tensor output, Batch batch) {
        try (var scope = Tape.noGrad()) {
            return loss(output, batch).item();
        }
    }

    /** A short name, such as {@code cross-entropy}. */
    String name();

    /** Mean cross-entropy of logits against the batch's labels, as PyTorch's {@code CrossEntropyLoss}. */
    static Objective crossEntropy() {
        return CrossEntropyObjective.INSTANCE;
    }

    /** Mean squared error against the batch's target rows, as PyTorch's {@code MSELoss}. */
    static Objective mse() {
        return MseObjective.TARGETS;
    }

    /**
     * Mean squared error against the one-hot encoding of the batch's labels (a label {@code c}
     * becomes a row with 1 at {@code c} and 0 elsewhere): regression on a classification data set.
     */
    static Objective oneHotMse() {
        return MseObjective.ONE_HOT;
    }

    /** Cross-entropy on labels. */
    final class CrossEntropyObjective implements Objective {
        static final CrossEntropyObjective INSTANCE = new CrossEntropyObjective();

        private CrossEntropyObjective() {}

        @Override
        public Tensor loss(Tensor output, Batch batch) {
            return Losses.crossEntropy(output, labels(batch, name()));
        }

        @Override
        public float value(Tensor output, Batch batch) {
            int[] labels = labels(batch, name());
            if (output.rank() != 2 || output.dim(0) != labels.length) {
                return loss(output, batch).item(); // the op's own shape and label checks
            }
            int cols = output.dim(1);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= cols) {
                    return loss(output, batch).item();
                }
            }
            return Simd.kernels().softmaxCrossEntropy(output.data(), 0, labels.length, cols, labels, 0, null, 0);
        }

        @Override
        public String name() {
            return "cross-entropy";
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /** Mean squared error on targets or on one-hot labels. */
    final class MseObjective implements Objective {
        static final MseObjective TARGETS = new MseObjective(false);
        static final MseObjective ONE_HOT = new MseObjective(true);

        private final boolean oneHot;

        private MseObjective(boolean oneHot) {
            this.oneHot = oneHot;
        }

        @Override
        public Tensor loss(Tensor output, Batch batch) {
            return Losses.mse(output, target(output, batch));
        }

        private Tensor target(Tensor output, Batch batch) {
            if (!oneHot) {
                if (batch.targets() == null) {
                    throw new IllegalArgumentException(
                            "mse needs a batch with targets; for class labels use" + " Objective.oneHotMse()");
                }
                return batch.targets();
            }
            int[] labels = labels(batch, name());
            if (output.rank() != 2 || output.dim(0) != labels.length) {
                throw new IllegalArgumentException(name() + ": output must be " + labels.length
                        + " rows × classes, got shape " + java.util.Arrays.toString(output.shape()));
            }
            int cols = output.dim(1);
            Tensor t = Workspace.tensor(labels.length, cols);
            float[] data = t.data();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= cols) {
                    throw new IllegalArgumentException(
                            name() + ": the label of row " + i + " must be in [0, " + cols + "), got " + labels[i]);
                }
                data[i * cols + labels[i]] = 1f;
            }
            return t;
        }

        @Override
        public String name() {
            return oneHot ? "one-hot-mse" : "mse";
        }

        @Override
        public String toString() {
            return name();
        }
    }

    private static int[] labels(Batch batch, String objective) {
        if (batch.labels() == null) {
            throw new IllegalArgumentException(objective + " needs a batch with class labels");
        }
        return batch.labels();
    }
}

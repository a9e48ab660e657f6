package dev.gradlab.core;

import dev.gradlab.core.ops.CrossEntropy;
import dev.gradlab.core.ops.MeanSquaredError;

/** Loss functions, each returning a rank-0 tensor that {@link Tensor#backward()} can start from. */
public final class Losses {

    private Losses() {}

    /**
     * Mean cross-entropy of {@code logits} (rows × classes) against integer class labels, through a
     * stable log-softmax, as PyTorch's {@code CrossEntropyLoss}.
     *
     * @throws IllegalArgumentException when logits are not rank 2, labels do not have one entry per
     *     row, or a label is outside {@code [0, classes)}
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return new CrossEntropy(labels).apply(logits);
    }

    /** Mean squared error over all elements, as PyTorch's {@code MSELoss}. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return new MeanSquaredError().apply(prediction, target);
    }
}

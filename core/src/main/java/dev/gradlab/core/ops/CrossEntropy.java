package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * Mean cross-entropy of logits (rows × classes) against integer labels, through a stable
 * log-softmax: {@code L = −(1/rows) Σ_i log softmax(x_i)[label_i]}. Backward:
 * {@code dx = g · (softmax(x) − onehot(label)) / rows}, computed by the same kernel call as the loss.
 */
public final class CrossEntropy extends Function {

    private final int[] labels;

    /** Labels are kept, not copied, until backward. */
    public CrossEntropy(int[] labels) {
        this.labels = labels;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor logits = in[0];
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(
                    "cross-entropy logits must be rows × classes, got shape " + Arrays.toString(logits.shape()));
        }
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        if (labels == null || labels.length != rows) {
            throw new IllegalArgumentException("cross-entropy: labels must have one entry per row (" + rows + "), got "
                    + (labels == null ? "null" : labels.length));
        }
        if (rows == 0) {
            throw new IllegalArgumentException(
                    "cross-entropy of an empty batch, logits shape " + Arrays.toString(logits.shape()));
        }
        int bad = firstLabelOutside(labels, cols);
        if (bad >= 0) {
            throw new IllegalArgumentException("cross-entropy: labels[" + bad + "] (the label of row " + bad
                    + ") must be in [0, " + cols + "), got " + labels[bad]);
        }
        Tensor grad = needsInputGrad(0) ? newUninitializedLike(logits) : null;
        Tensor loss = newUninitialized();
        loss.data()[0] = Simd.kernels()
                .softmaxCrossEntropy(logits.data(), 0, rows, cols, labels, 0, grad == null ? null : grad.data(), 0);
        if (grad != null) {
            saveForBackward(grad);
        }
        return loss;
    }

    /**
     * The first label outside {@code [0, classes)}, or -1. A method of its own: it runs every step, and
     * the JIT then compiles this small loop instead of the whole of {@link #forward} with its messages.
     */
    private static int firstLabelOutside(int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = saved(0);
        float scale = g.item();
        if (scale != 1f) {
            Simd.kernels().scale(grad.size(), scale, grad.data(), 0);
        }
        return new Tensor[] {grad};
    }

    @Override
    protected Formula formula() {
        return new Formula("L = −mean_rows log softmax(x)[label]", "∂L/∂x = ∂L/∂L·(softmax(x) − onehot(label)) / rows");
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.ops.ViewFunction;
import java.util.Arrays;
import java.util.List;

/**
 * Merges dimensions {@code startDim..endDim} into one, as PyTorch's {@code nn.Flatten} (defaults
 * 1 and −1: (N, C, H, W) becomes (N, C·H·W)); negative dimensions count from the end.
 */
public final class Flatten implements Module {

    private final int startDim;
    private final int endDim;

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /** Every dimension but the batch's. */
    public Flatten() {
        this(1, -1);
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        int start = startDim < 0 ? startDim + shape.length : startDim;
        int end = endDim < 0 ? endDim + shape.length : endDim;
        if (start < 0 || end >= shape.length || start > end) {
            throw new IllegalArgumentException(this + " does not fit input of shape " + Arrays.toString(shape)
                    + ": needs 0 <= start <= end < rank");
        }
        int[] flat = new int[shape.length - (end - start)];
        System.arraycopy(shape, 0, flat, 0, start);
        flat[start] = 1;
        for (int d = start; d <= end; d++) {
            flat[start] *= shape[d];
        }
        System.arraycopy(shape, end + 1, flat, start + 1, shape.length - end - 1);
        return new ViewFunction(flat).apply(x);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    public int startDim() {
        return startDim;
    }

    public int endDim() {
        return endDim;
    }

    @Override
    public String toString() {
        return "Flatten(start_dim=" + startDim + ", end_dim=" + endDim + ")";
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
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
        return x.flatten(startDim, endDim);
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

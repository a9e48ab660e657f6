package dev.gradlab.data;

import dev.gradlab.core.Tensor;

/**
 * One mini-batch. Its tensor and label array are buffers that the {@link Batcher} refills: they are
 * valid until the next batch is taken from the same batcher.
 */
public final class Batch {

    private final Tensor x;
    private final int[] labels;

    Batch(int size, int features) {
        this.x = Tensor.zeros(size, features);
        this.labels = new int[size];
    }

    /** {@code size × features} inputs (a reused buffer). */
    public Tensor x() {
        return x;
    }

    /** One label per row of {@link #x()} (a reused buffer). */
    public int[] labels() {
        return labels;
    }

    /** Number of examples in this batch. */
    public int size() {
        return labels.length;
    }
}

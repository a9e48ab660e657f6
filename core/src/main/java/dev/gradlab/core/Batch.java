package dev.gradlab.core;

import java.util.Arrays;

/**
 * Rows of inputs and what an {@link Objective} scores the model's outputs against: integer class
 * labels, target rows, or both.
 *
 * @param inputs  rows × features
 * @param labels  one class index per row, or null
 * @param targets rows × outputs, or null
 */
public record Batch(Tensor inputs, int[] labels, Tensor targets) {

    public Batch {
        if (inputs == null) {
            throw new IllegalArgumentException("batch inputs are null");
        }
        if (inputs.rank() != 2 || inputs.dim(0) == 0) {
            throw new IllegalArgumentException("batch inputs must be rows × features with at least one row, got shape "
                    + Arrays.toString(inputs.shape()));
        }
        int rows = inputs.dim(0);
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException(
                    "batch labels must have one entry per row (" + rows + "), got " + labels.length);
        }
        if (targets != null && (targets.rank() != 2 || targets.dim(0) != rows)) {
            throw new IllegalArgumentException(
                    "batch targets must be " + rows + " rows × outputs, got shape " + Arrays.toString(targets.shape()));
        }
    }

    /** A classification batch. */
    public static Batch of(Tensor inputs, int[] labels) {
        if (labels == null) {
            throw new IllegalArgumentException("batch labels are null");
        }
        return new Batch(inputs, labels, null);
    }

    /** A regression batch. */
    public static Batch regression(Tensor inputs, Tensor targets) {
        if (targets == null) {
            throw new IllegalArgumentException("batch targets are null");
        }
        return new Batch(inputs, null, targets);
    }

    public int rows() {
        return inputs.dim(0);
    }
}

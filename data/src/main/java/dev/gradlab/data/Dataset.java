package dev.gradlab.data;

import dev.gradlab.core.Tensor;
import java.util.Arrays;

/**
 * Labelled examples held in memory: {@code size} rows of {@code features} floats (row-major) and one
 * class label in {@code [0, classes)} per row. The arrays are live, not copies.
 */
public final class Dataset {

    private final float[] images;
    private final int[] labels;
    private final int features;
    private final int classes;

    /**
     * Takes ownership of the arrays (no copy).
     *
     * @param images  {@code labels.length × features} values, row-major
     * @param labels  one class per row, each in {@code [0, classes)}
     */
    public Dataset(float[] images, int[] labels, int features, int classes) {
        if (images == null || labels == null) {
            throw new IllegalArgumentException("images and labels must not be null");
        }
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive, actual " + features);
        }
        if (classes <= 0) {
            throw new IllegalArgumentException("classes must be positive, actual " + classes);
        }
        if ((long) labels.length * features != images.length) {
            throw new IllegalArgumentException("images has " + images.length + " values, expected " + labels.length
                    + " labels × " + features + " features = " + (long) labels.length * features);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "labels[" + i + "] must be in [0, " + classes + "), actual " + labels[i]);
            }
        }
        this.images = images;
        this.labels = labels;
        this.features = features;
        this.classes = classes;
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    /** Values per example (784 for 28×28 images). */
    public int features() {
        return features;
    }

    /** Number of classes the labels range over. */
    public int classes() {
        return classes;
    }

    /** {@code size × features} values, row-major; the live array. */
    public float[] images() {
        return images;
    }

    /** One label per example; the live array. */
    public int[] labels() {
        return labels;
    }

    /** Examples {@code [from, to)} as a data set of their own, copied. */
    public Dataset slice(int from, int to) {
        if (from < 0 || from > to || to > size()) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") must lie in [0, " + size() + "]");
        }
        return new Dataset(
                Arrays.copyOfRange(images, from * features, to * features),
                Arrays.copyOfRange(labels, from, to),
                features,
                classes);
    }

    /** A {@code size × features} tensor viewing {@link #images()} without copying. */
    public Tensor imagesTensor() {
        return Tensor.wrap(images, labels.length, features);
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Splits dimension {@code dim} into {@code sizes}, as PyTorch's {@code nn.Unflatten}:
 * {@code new Unflatten(1, 1, 28, 28)} turns rows of 784 pixels (N, 784) into images (N, 1, 28, 28).
 */
public final class Unflatten implements Module {

    private final int dim;
    private final int[] sizes;

    /** @param dim the dimension to split (negative counts from the end); @param sizes its new sizes, each >= 1 */
    public Unflatten(int dim, int... sizes) {
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("Unflatten needs one or more sizes >= 1, got " + Arrays.toString(sizes));
        }
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        int d = dim < 0 ? dim + shape.length : dim;
        int product = Arrays.stream(sizes).reduce(1, (a, b) -> a * b);
        if (d < 0 || d >= shape.length || shape[d] != product) {
            throw new IllegalArgumentException(
                    this + " needs dimension " + dim + " of size " + product + ", got input " + Arrays.toString(shape));
        }
        int[] out = new int[shape.length - 1 + sizes.length];
        System.arraycopy(shape, 0, out, 0, d);
        System.arraycopy(sizes, 0, out, d, sizes.length);
        System.arraycopy(shape, d + 1, out, d + sizes.length, shape.length - d - 1);
        return x.reshape(out);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    /** The dimension split. */
    public int dim() {
        return dim;
    }

    /** The sizes it is split into. */
    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    public String toString() {
        return "Unflatten(dim=" + dim + ", unflattened_size=" + Arrays.toString(sizes) + ")";
    }
}

package dev.gradlab.core.ops;

import java.util.Arrays;

/** Dim arithmetic shared by the ops that take a dim: range checks and the outer × size × inner split. */
final class Dims {

    private Dims() {}

    /**
     * {@code dim} counted from the front, where a negative dim counts from the end, as PyTorch.
     *
     * @throws IllegalArgumentException naming the op, the dim and the rank when it is out of range
     */
    static int normalize(String op, int dim, int rank) {
        if (rank == 0 || dim < -rank || dim >= rank) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor of rank " + rank
                    + (rank == 0 ? " (it has no dims)" : " (expected " + -rank + " to " + (rank - 1) + ")"));
        }
        return dim < 0 ? dim + rank : dim;
    }

    /** The product of the dims before {@code dim}. */
    static int outer(int[] shape, int dim) {
        int n = 1;
        for (int d = 0; d < dim; d++) {
            n *= shape[d];
        }
        return n;
    }

    /** The product of the dims after {@code dim}. */
    static int inner(int[] shape, int dim) {
        int n = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            n *= shape[d];
        }
        return n;
    }

    /** {@code shape} without {@code dim}, or with it set to 1 when {@code keep}. */
    static int[] reduced(int[] shape, int dim, boolean keep) {
        if (keep) {
            int[] out = shape.clone();
            out[dim] = 1;
            return out;
        }
        int[] out = new int[shape.length - 1];
        System.arraycopy(shape, 0, out, 0, dim);
        System.arraycopy(shape, dim + 1, out, dim, shape.length - dim - 1);
        return out;
    }

    /** {@code shape} with {@code size} inserted before position {@code dim}. */
    static int[] inserted(int[] shape, int dim, int size) {
        int[] out = new int[shape.length + 1];
        System.arraycopy(shape, 0, out, 0, dim);
        out[dim] = size;
        System.arraycopy(shape, dim, out, dim + 1, shape.length - dim);
        return out;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}

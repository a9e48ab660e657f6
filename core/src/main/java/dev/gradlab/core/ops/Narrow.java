package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * Elements {@code start … start + length − 1} along one dim ({@code narrow}), or the single element
 * {@code index} with the dim dropped ({@code select}); the output is a copy. Backward: {@code g}
 * written back at those positions, 0 elsewhere.
 */
public final class Narrow extends Function {

    private final int requestedDim;
    private final int requestedStart;
    private final int length;
    private final boolean select;
    private int[] inShape;
    private int dim;
    private int start;

    private Narrow(int dim, int start, int length, boolean select) {
        this.requestedDim = dim;
        this.requestedStart = start;
        this.length = length;
        this.select = select;
    }

    /** {@code length} elements from {@code start} along {@code dim}; a negative start counts from the end. */
    public static Narrow narrow(int dim, int start, int length) {
        return new Narrow(dim, start, length, false);
    }

    /** Element {@code index} along {@code dim}, the dim dropped; a negative index counts from the end. */
    public static Narrow select(int dim, int index) {
        return new Narrow(dim, index, 1, true);
    }

    private String op() {
        return select ? "select" : "narrow";
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        dim = Dims.normalize(op(), requestedDim, inShape.length);
        int size = inShape[dim];
        start = requestedStart < 0 ? requestedStart + size : requestedStart;
        if (start < 0 || length < 0 || start + length > size || (select && start >= size)) {
            throw new IllegalArgumentException(op() + ": "
                    + (select ? "index " + requestedStart : "start " + requestedStart + " and length " + length)
                    + " out of range for dim " + requestedDim
                    + " of size " + size + " (shape " + Dims.str(inShape) + ")");
        }
        int[] out = inShape.clone();
        out[dim] = length;
        Tensor z = newUninitialized(select ? Dims.reduced(inShape, dim, false) : out);
        int block = length * Dims.inner(inShape, dim);
        int stride = size * Dims.inner(inShape, dim);
        int skip = start * Dims.inner(inShape, dim);
        float[] xd = x.data();
        float[] zd = z.data();
        for (int o = 0, outer = Dims.outer(inShape, dim); o < outer; o++) {
            System.arraycopy(xd, o * stride + skip, zd, o * block, block);
        }
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gx = newTensor(inShape);
        int inner = Dims.inner(inShape, dim);
        int block = length * inner;
        int stride = inShape[dim] * inner;
        float[] gd = g.data();
        float[] out = gx.data();
        for (int o = 0, outer = Dims.outer(inShape, dim); o < outer; o++) {
            System.arraycopy(gd, o * block, out, o * stride + start * inner, block);
        }
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return select ? "Select" : "Narrow";
    }

    @Override
    protected Formula formula() {
        return select
                ? new Formula("z = x[…, i, …] (a copy)", "∂L/∂x = ∂L/∂z at index i, else 0")
                : new Formula("z = x[…, s:s+n, …] (a copy)", "∂L/∂x = ∂L/∂z at s:s+n, else 0");
    }
}

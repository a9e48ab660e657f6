package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * The slices at {@code indices} along one dim, in that order:
 * {@code z[…, k, …] = x[…, indices[k], …]}; indices may repeat. Backward: {@code g} added back at
 * those positions, so a repeated index receives the sum of its slices' gradients.
 */
public final class IndexSelect extends Function {

    private final int requestedDim;
    private final int[] indices;
    private int[] inShape;
    private int dim;

    /** The indices are copied. */
    public IndexSelect(int dim, int[] indices) {
        if (indices == null) {
            throw new IllegalArgumentException("indexSelect: indices must not be null");
        }
        this.requestedDim = dim;
        this.indices = indices.clone();
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        dim = Dims.normalize("indexSelect", requestedDim, inShape.length);
        int size = inShape[dim];
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= size) {
                throw new IllegalArgumentException("indexSelect: indices[" + k + "] = " + indices[k]
                        + " is out of range for dim " + requestedDim + " of size " + size + " (shape "
                        + Dims.str(inShape) + ")");
            }
        }
        int[] out = inShape.clone();
        out[dim] = indices.length;
        Tensor z = newUninitialized(out);
        int inner = Dims.inner(inShape, dim);
        float[] xd = x.data();
        float[] zd = z.data();
        for (int o = 0, outer = Dims.outer(inShape, dim); o < outer; o++) {
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(xd, (o * size + indices[k]) * inner, zd, (o * indices.length + k) * inner, inner);
            }
        }
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gx = newTensor(inShape);
        int size = inShape[dim];
        int inner = Dims.inner(inShape, dim);
        float[] gd = g.data();
        float[] out = gx.data();
        for (int o = 0, outer = Dims.outer(inShape, dim); o < outer; o++) {
            for (int k = 0; k < indices.length; k++) {
                Simd.kernels()
                        .axpy(inner, 1f, gd, (o * indices.length + k) * inner, out, (o * size + indices[k]) * inner);
            }
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z[…, k, …] = x[…, idx[k], …]", "∂L/∂x[…, j, …] = Σ_{k: idx[k] = j} ∂L/∂z[…, k, …]");
    }
}

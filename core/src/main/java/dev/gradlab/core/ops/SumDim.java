package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/**
 * The sum, or the mean, along one dim: {@code z = Σ_d x} or {@code z = Σ_d x / n}, {@code n} the
 * dim's size; the dim is dropped, or kept with size 1 when {@code keepdim}. Backward: {@code g}
 * (divided by {@code n} for the mean) repeated along the dim.
 */
public final class SumDim extends Function {

    private final int requestedDim;
    private final boolean keepdim;
    private final boolean mean;
    private int[] inShape;
    private int dim;

    /** The sum ({@code mean} false) or the mean along {@code dim}, negative counting from the end. */
    public SumDim(int dim, boolean keepdim, boolean mean) {
        this.requestedDim = dim;
        this.keepdim = keepdim;
        this.mean = mean;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        dim = Dims.normalize(op(), requestedDim, inShape.length);
        int outer = Dims.outer(inShape, dim);
        int size = inShape[dim];
        int inner = Dims.inner(inShape, dim);
        if (mean && size == 0) {
            throw new IllegalArgumentException(
                    op() + ": dim " + requestedDim + " of shape " + Dims.str(inShape) + " is empty");
        }
        int[] out = Dims.reduced(inShape, dim, keepdim);
        // Row sums are written; sums along an inner dim add up into zeros.
        Tensor z = inner == 1 ? newUninitialized(out) : newTensor(out);
        Kernels k = Simd.kernels();
        float[] xd = x.data();
        float[] zd = z.data();
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                zd[o] = k.sum(xd, o * size, size);
            } else {
                for (int j = 0; j < size; j++) {
                    k.axpy(inner, 1f, xd, (o * size + j) * inner, zd, o * inner);
                }
            }
        }
        if (mean) {
            k.scale(zd.length, 1f / size, zd, 0);
        }
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gx = newUninitialized(inShape);
        int outer = Dims.outer(inShape, dim);
        int size = inShape[dim];
        int inner = Dims.inner(inShape, dim);
        float scale = mean ? 1f / size : 1f;
        float[] gd = g.data();
        float[] out = gx.data();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < size; j++) {
                int base = (o * size + j) * inner;
                for (int i = 0; i < inner; i++) {
                    out[base + i] = gd[o * inner + i] * scale;
                }
            }
        }
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return mean ? "MeanDim" : "SumDim";
    }

    /** The Tensor method's name, for messages. */
    private String op() {
        return mean ? "mean" : "sum";
    }

    @Override
    protected Formula formula() {
        return mean
                ? new Formula("z = Σ_dim x / n", "∂L/∂x = ∂L/∂z / n, repeated along dim")
                : new Formula("z = Σ_dim x", "∂L/∂x = ∂L/∂z, repeated along dim");
    }
}

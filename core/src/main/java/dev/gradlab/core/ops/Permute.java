package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * The dims reordered: output dim {@code i} is input dim {@code perm[i]} ({@code permute},
 * {@code transpose}); the output is a contiguous copy. Backward: {@code g} permuted back by the
 * inverse permutation.
 */
public final class Permute extends Function {

    private final String op;
    private final int[] requested;
    private int[] perm;
    private int[] inShape;

    private Permute(String op, int[] requested) {
        this.op = op;
        this.requested = requested;
    }

    /** Output dim {@code i} is input dim {@code dims[i]}; negative dims count from the end. */
    public static Permute of(int... dims) {
        return new Permute("permute", dims.clone());
    }

    /** Dims {@code dim0} and {@code dim1} swapped. */
    public static Permute transpose(int dim0, int dim1) {
        return new Permute("transpose", new int[] {dim0, dim1});
    }

    private int[] permutation(int rank) {
        int[] p = new int[rank];
        if (op.equals("transpose")) {
            for (int d = 0; d < rank; d++) {
                p[d] = d;
            }
            if (rank == 0) {
                Dims.normalize(op, requested[0], 1);
                Dims.normalize(op, requested[1], 1);
                return p;
            }
            int a = Dims.normalize(op, requested[0], rank);
            int b = Dims.normalize(op, requested[1], rank);
            p[a] = b;
            p[b] = a;
            return p;
        }
        boolean[] seen = new boolean[rank];
        if (requested.length != rank) {
            throw new IllegalArgumentException(
                    "permute: dims " + Dims.str(requested) + " must name each of the " + rank + " dims once");
        }
        for (int d = 0; d < rank; d++) {
            p[d] = Dims.normalize(op, requested[d], rank);
            if (seen[p[d]]) {
                throw new IllegalArgumentException(
                        "permute: dims " + Dims.str(requested) + " name dim " + p[d] + " twice");
            }
            seen[p[d]] = true;
        }
        return p;
    }

    /** Writes into {@code dst} the contiguous tensor whose dim i is dim {@code perm[i]} of {@code src}. */
    static void copy(float[] src, int[] srcShape, int[] perm, float[] dst) {
        int rank = srcShape.length;
        if (dst.length == 0) {
            return;
        }
        if (rank == 0) {
            dst[0] = src[0];
            return;
        }
        int[] srcStrides = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            srcStrides[d] = stride;
            stride *= srcShape[d];
        }
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = srcShape[perm[d]];
            strides[d] = srcStrides[perm[d]];
        }
        int n = shape[rank - 1];
        int step = strides[rank - 1];
        int[] index = new int[rank];
        int offset = 0;
        for (int out = 0; out < dst.length; out += n) {
            for (int i = 0; i < n; i++) {
                dst[out + i] = src[offset + i * step];
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    offset += strides[d];
                    break;
                }
                index[d] = 0;
                offset -= strides[d] * (shape[d] - 1);
            }
        }
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        perm = permutation(inShape.length);
        int[] out = new int[inShape.length];
        for (int d = 0; d < out.length; d++) {
            out[d] = inShape[perm[d]];
        }
        Tensor z = newUninitialized(out);
        copy(x.data(), inShape, perm, z.data());
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        int[] inverse = new int[perm.length];
        for (int d = 0; d < perm.length; d++) {
            inverse[perm[d]] = d;
        }
        Tensor gx = newUninitialized(inShape);
        copy(g.data(), g.shape(), inverse, gx.data());
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return "Permute(" + op + ")";
    }

    @Override
    protected Formula formula() {
        return new Formula("z[i₀…] = x[i_perm⁻¹…] (dims reordered, a copy)", "∂L/∂x = ∂L/∂z with the dims put back");
    }
}

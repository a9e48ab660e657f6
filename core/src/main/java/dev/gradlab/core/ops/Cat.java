package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.Arrays;

/**
 * Tensors joined along an existing dim ({@code cat}: their shapes agree except in that dim) or along
 * a new dim ({@code stack}: their shapes agree). Backward: each input receives its slice of {@code g}.
 */
public final class Cat extends Function {

    private final int requestedDim;
    private final boolean stack;
    private int[][] inShapes;
    /** Elements each input contributes per step of the dims before the joining dim. */
    private int[] blocks;

    private int outer;

    private Cat(int dim, boolean stack) {
        this.requestedDim = dim;
        this.stack = stack;
    }

    /** Joins along existing dim {@code dim}. */
    public static Cat cat(int dim) {
        return new Cat(dim, false);
    }

    /** Joins along a new dim inserted at {@code dim}. */
    public static Cat stack(int dim) {
        return new Cat(dim, true);
    }

    private String op() {
        return stack ? "stack" : "cat";
    }

    @Override
    protected Tensor forward(Tensor... in) {
        if (in.length == 0) {
            throw new IllegalArgumentException(op() + ": needs at least one tensor");
        }
        int[] first = in[0].shape();
        int dim = Dims.normalize(op(), requestedDim, first.length + (stack ? 1 : 0));
        inShapes = new int[in.length][];
        blocks = new int[in.length];
        int joined = 0;
        for (int t = 0; t < in.length; t++) {
            int[] s = in[t].shape();
            boolean agree = s.length == first.length;
            for (int d = 0; agree && d < s.length; d++) {
                agree = s[d] == first[d] || (!stack && d == dim);
            }
            if (!agree) {
                throw new IllegalArgumentException(op() + ": tensor " + t + " has shape " + Arrays.toString(s)
                        + " and tensor 0 has " + Arrays.toString(first) + "; they must "
                        + (stack ? "be equal" : "agree in every dim except dim " + requestedDim));
            }
            inShapes[t] = s;
            blocks[t] = stack ? Dims.inner(s, dim - 1) : s[dim] * Dims.inner(s, dim);
            joined += stack ? 1 : s[dim];
        }
        int[] out = stack ? Dims.inserted(first, dim, in.length) : first.clone();
        out[dim] = joined;
        outer = Dims.outer(out, dim);
        Tensor z = newUninitialized(out);
        float[] zd = z.data();
        int offset = 0;
        for (int o = 0; o < outer; o++) {
            for (int t = 0; t < in.length; t++) {
                System.arraycopy(in[t].data(), o * blocks[t], zd, offset, blocks[t]);
                offset += blocks[t];
            }
        }
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor[] grads = new Tensor[inShapes.length];
        for (int t = 0; t < grads.length; t++) {
            grads[t] = needsInputGrad(t) ? newUninitialized(inShapes[t]) : null;
        }
        float[] gd = g.data();
        int offset = 0;
        for (int o = 0; o < outer; o++) {
            for (int t = 0; t < grads.length; t++) {
                if (grads[t] != null) {
                    System.arraycopy(gd, offset, grads[t].data(), o * blocks[t], blocks[t]);
                }
                offset += blocks[t];
            }
        }
        return grads;
    }

    @Override
    protected String name() {
        return stack ? "Stack" : "Cat";
    }

    @Override
    protected Formula formula() {
        return stack
                ? new Formula("z = [x₀, x₁, …] along a new dim", "∂L/∂xᵢ = slice i of ∂L/∂z")
                : new Formula("z = [x₀, x₁, …] along dim", "∂L/∂xᵢ = the slice of ∂L/∂z that xᵢ filled");
    }
}

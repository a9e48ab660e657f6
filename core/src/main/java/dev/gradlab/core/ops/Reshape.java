package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.function.UnaryOperator;

/**
 * The same elements in the same row-major order under another shape: {@code reshape}, {@code flatten},
 * {@code unsqueeze}, {@code squeeze}. The output is a copy, so that every Function downstream reads
 * a tensor of its own (and, during population evaluation, a parameter's bound values). Backward:
 * {@code g} under the input's shape.
 */
public final class Reshape extends Function {

    private final String op;
    /** The output shape for an input shape; throws on a bad request. */
    private final UnaryOperator<int[]> target;

    private int[] inShape;

    private Reshape(String op, UnaryOperator<int[]> target) {
        this.op = op;
        this.target = target;
    }

    /** To {@code shape}, in which one dim may be −1: inferred from the element count. */
    public static Reshape to(int... shape) {
        int[] requested = shape.clone();
        return new Reshape("reshape", in -> infer(in, requested));
    }

    /** Dims {@code startDim} to {@code endDim} (inclusive, negative counting from the end) merged into one. */
    public static Reshape flatten(int startDim, int endDim) {
        return new Reshape("flatten", in -> {
            if (in.length == 0) {
                Dims.normalize("flatten", startDim, 1);
                Dims.normalize("flatten", endDim, 1);
                return new int[] {1};
            }
            int s = Dims.normalize("flatten", startDim, in.length);
            int e = Dims.normalize("flatten", endDim, in.length);
            if (s > e) {
                throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim
                        + " for shape " + Dims.str(in));
            }
            int[] out = new int[in.length - (e - s)];
            System.arraycopy(in, 0, out, 0, s);
            out[s] = 1;
            for (int d = s; d <= e; d++) {
                out[s] *= in[d];
            }
            System.arraycopy(in, e + 1, out, s + 1, in.length - e - 1);
            return out;
        });
    }

    /** A new dim of size 1 at {@code dim}, which counts positions of the output (−1 is the end). */
    public static Reshape unsqueeze(int dim) {
        return new Reshape("unsqueeze", in -> Dims.inserted(in, Dims.normalize("unsqueeze", dim, in.length + 1), 1));
    }

    /** Without {@code dim} when its size is 1; the same shape otherwise, as PyTorch. */
    public static Reshape squeeze(int dim) {
        return new Reshape("squeeze", in -> {
            if (in.length == 0) {
                Dims.normalize("squeeze", dim, 1);
                return in;
            }
            int d = Dims.normalize("squeeze", dim, in.length);
            return in[d] == 1 ? Dims.reduced(in, d, false) : in;
        });
    }

    private static int[] infer(int[] in, int[] shape) {
        int size = 1;
        for (int d : in) {
            size *= d;
        }
        int free = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1 && free < 0) {
                free = d;
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("reshape: shape " + Dims.str(shape) + " is invalid"
                        + (shape[d] == -1 ? " (only one dim may be -1)" : " (dim " + d + " is negative)"));
            } else {
                known *= shape[d];
            }
        }
        int[] out = shape.clone();
        if (free >= 0 && known != 0 && size % known == 0) {
            out[free] = (int) (size / known);
            known *= out[free];
        }
        if (known != size || (free >= 0 && shape.length > 0 && out[free] < 0)) {
            throw new IllegalArgumentException("reshape: shape " + Dims.str(shape) + " is invalid for input of shape "
                    + Dims.str(in) + " (" + size + " elements)");
        }
        return out;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        Tensor z = newUninitialized(target.apply(inShape));
        System.arraycopy(x.data(), 0, z.data(), 0, x.size());
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gx = newUninitialized(inShape);
        System.arraycopy(g.data(), 0, gx.data(), 0, gx.size());
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return "Reshape(" + op + ")";
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x under a new shape (a copy)", "∂L/∂x = ∂L/∂z under x's shape");
    }
}

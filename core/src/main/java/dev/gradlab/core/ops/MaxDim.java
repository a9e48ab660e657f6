package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * The largest (or smallest) value along one dim; the dim is dropped, or kept with size 1 when
 * {@code keepdim}. NaN wins, as in PyTorch. Backward: {@code g} goes to the first maximum (minimum)
 * along the dim, 0 elsewhere.
 */
public final class MaxDim extends Function {

    private final int requestedDim;
    private final boolean keepdim;
    private final boolean min;
    private int[] inShape;
    private int dim;
    /** For each output element, the index along dim of the element chosen. */
    private int[] chosen;

    /** The maximum ({@code min} false) or the minimum along {@code dim}, negative counting from the end. */
    public MaxDim(int dim, boolean keepdim, boolean min) {
        this.requestedDim = dim;
        this.keepdim = keepdim;
        this.min = min;
    }

    /**
     * {@link Tensor#argmax(int)}: the index of the first largest element along {@code dim} (negative
     * counting from the end), which is dropped; float-valued, and a new leaf outside the graph.
     */
    public static Tensor argmax(Tensor x, int dim) {
        int[] shape = x.shape();
        int d = Dims.normalize("argmax", dim, shape.length);
        int[] chosen = indices("argmax", x.data(), shape, d, false);
        Tensor t = Tensor.zeros(Dims.reduced(shape, d, false));
        float[] out = t.data();
        for (int i = 0; i < chosen.length; i++) {
            out[i] = chosen[i];
        }
        return t;
    }

    /**
     * For each position of {@code shape} without {@code dim}, the index along {@code dim} of the first
     * largest (or smallest, when {@code min}) element of {@code x}; NaN counts as the largest and the
     * smallest.
     */
    private static int[] indices(String op, float[] x, int[] shape, int dim, boolean min) {
        int outer = Dims.outer(shape, dim);
        int size = shape[dim];
        int inner = Dims.inner(shape, dim);
        if (size == 0) {
            throw new IllegalArgumentException(op + ": dim " + dim + " of shape " + Dims.str(shape) + " is empty");
        }
        int[] chosen = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * size * inner + i;
                int best = 0;
                float value = x[base];
                for (int j = 1; j < size && !Float.isNaN(value); j++) {
                    float v = x[base + j * inner];
                    if (Float.isNaN(v) || (min ? v < value : v > value)) {
                        best = j;
                        value = v;
                    }
                }
                chosen[o * inner + i] = best;
            }
        }
        return chosen;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        dim = Dims.normalize(op(), requestedDim, inShape.length);
        float[] xd = x.data();
        chosen = indices(op(), xd, inShape, dim, min);
        Tensor z = newUninitialized(Dims.reduced(inShape, dim, keepdim));
        int size = inShape[dim];
        int inner = Dims.inner(inShape, dim);
        float[] zd = z.data();
        for (int e = 0; e < zd.length; e++) {
            zd[e] = xd[(e / inner * size + chosen[e]) * inner + e % inner];
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
        for (int e = 0; e < gd.length; e++) {
            out[(e / inner * size + chosen[e]) * inner + e % inner] = gd[e];
        }
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return min ? "MinDim" : "MaxDim";
    }

    /** The Tensor method's name, for messages. */
    private String op() {
        return min ? "min" : "max";
    }

    @Override
    protected Formula formula() {
        return min
                ? new Formula("z = min_dim x", "∂L/∂x = ∂L/∂z at the first minimum along dim, else 0")
                : new Formula("z = max_dim x", "∂L/∂x = ∂L/∂z at the first maximum along dim, else 0");
    }
}

package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/**
 * Softmax along one dim, {@code y = e^(x − max) / Σ e^(x − max)}. Backward:
 * {@code dx = y · (g − Σ g·y)} along the dim, from the saved output. Along the last dim each row is
 * one kernel call.
 */
public final class Softmax extends Function {

    private final int requestedDim;
    private int inner;
    private int cols;

    /** Along {@code dim}; negative counts from the end. */
    public Softmax(int dim) {
        this.requestedDim = dim;
    }

    /**
     * Softmax, or log-softmax when {@code log}, of {@code x} viewed as outer × size × inner along the
     * middle axis, for a dim that is not the last (the slices are strided by {@code inner}).
     */
    static void strided(float[] x, float[] y, int outer, int size, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * size * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < size; j++) {
                    max = Math.max(max, x[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < size; j++) {
                    sum += Math.exp(x[base + j * inner] - max);
                }
                float logSum = (float) Math.log(sum);
                for (int j = 0; j < size; j++) {
                    int e = base + j * inner;
                    y[e] = log ? x[e] - max - logSum : (float) (Math.exp(x[e] - max) / sum);
                }
            }
        }
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        int[] shape = x.shape();
        int dim = Dims.normalize("softmax", requestedDim, shape.length);
        int outer = Dims.outer(shape, dim);
        inner = Dims.inner(shape, dim);
        cols = shape[dim];
        Tensor y = newUninitializedLike(x);
        if (inner == 1) {
            Simd.kernels().softmaxRows(x.data(), 0, y.data(), 0, outer, cols);
        } else {
            strided(x.data(), y.data(), outer, cols, inner, false);
        }
        saveForBackward(y);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Kernels kernels = Simd.kernels();
        Tensor y = saved(0);
        Tensor gx = newUninitializedLike(y);
        float[] yd = y.data();
        float[] gd = g.data();
        float[] out = gx.data();
        if (out.length == 0) {
            return new Tensor[] {gx};
        }
        int rows = out.length / (cols * inner);
        for (int o = 0; o < rows; o++) {
            if (inner == 1) {
                int off = o * cols;
                float dot = kernels.dot(gd, off, yd, off, cols);
                kernels.mul(gd, off, yd, off, out, off, cols);
                kernels.axpy(cols, -dot, yd, off, out, off);
                continue;
            }
            for (int i = 0; i < inner; i++) {
                int base = o * cols * inner + i;
                float dot = 0f;
                for (int j = 0; j < cols; j++) {
                    dot += gd[base + j * inner] * yd[base + j * inner];
                }
                for (int j = 0; j < cols; j++) {
                    int e = base + j * inner;
                    out[e] = yd[e] * (gd[e] - dot);
                }
            }
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = eˣ / Σ_dim eˣ", "∂L/∂x = z·(∂L/∂z − Σ_dim ∂L/∂z·z)");
    }
}

package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/**
 * Log-softmax along one dim (the last by default), {@code y = x − max − log Σ e^(x − max)} (stable).
 * Backward: {@code dx = g − softmax(x) · Σ g} along the dim, with {@code softmax(x) = e^y} from the
 * saved output. Along the last dim each row is one kernel call.
 */
public final class LogSoftmax extends Function {

    private final int requestedDim;
    private int inner;
    private int cols;

    /** Along the last dim. */
    public LogSoftmax() {
        this(-1);
    }

    /** Along {@code dim}; negative counts from the end. */
    public LogSoftmax(int dim) {
        this.requestedDim = dim;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        int[] shape = x.shape();
        int dim = Dims.normalize("logSoftmax", requestedDim, shape.length);
        int outer = Dims.outer(shape, dim);
        inner = Dims.inner(shape, dim);
        cols = shape[dim];
        Tensor y = newUninitializedLike(x);
        if (inner == 1) {
            Simd.kernels().logSoftmaxRows(x.data(), 0, y.data(), 0, outer, cols);
        } else {
            Softmax.strided(x.data(), y.data(), outer, cols, inner, true);
        }
        saveForBackward(y);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Kernels kernels = Simd.kernels();
        Tensor y = saved(0);
        Tensor gx = newUninitializedLike(y);
        float[] out = gx.data();
        kernels.exp(y.data(), 0, out, 0, y.size());
        if (y.size() == 0) {
            return new Tensor[] {gx};
        }
        int rows = y.size() / (cols * inner);
        if (inner == 1) {
            for (int r = 0; r < rows; r++) {
                int off = r * cols;
                float rowSum = kernels.sum(g.data(), off, cols);
                kernels.scale(cols, -rowSum, out, off);
                kernels.axpy(cols, 1f, g.data(), off, out, off);
            }
            return new Tensor[] {gx};
        }
        float[] gd = g.data();
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * cols * inner + i;
                float sum = 0f;
                for (int j = 0; j < cols; j++) {
                    sum += gd[base + j * inner];
                }
                for (int j = 0; j < cols; j++) {
                    int e = base + j * inner;
                    out[e] = gd[e] - out[e] * sum;
                }
            }
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x − log Σ_dim eˣ", "∂L/∂x = ∂L/∂z − softmax(x)·Σ_dim ∂L/∂z");
    }
}

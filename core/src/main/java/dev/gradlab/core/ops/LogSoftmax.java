package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * Log-softmax of each row of a rank-2 tensor, {@code y = x − max − log Σ e^(x − max)} (stable).
 * Backward: {@code dx = g − softmax(x) · Σ_j g_j} per row, with {@code softmax(x) = e^y} from the
 * saved output.
 */
public final class LogSoftmax extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        if (x.rank() != 2) {
            throw new IllegalArgumentException("logSoftmax needs a rank-2 tensor (rows × classes), got "
                    + Arrays.toString(x.shape()));
        }
        Tensor y = newTensorLike(x);
        Simd.kernels().logSoftmaxRows(x.data(), 0, y.data(), 0, x.dim(0), x.dim(1));
        saveForBackward(y);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Kernels kernels = Simd.kernels();
        Tensor y = saved(0);
        int rows = y.dim(0);
        int cols = y.dim(1);
        Tensor gx = newTensorLike(y);
        float[] out = gx.data();
        kernels.exp(y.data(), 0, out, 0, y.size());
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            float rowSum = kernels.sum(g.data(), off, cols);
            kernels.scale(cols, -rowSum, out, off);
            kernels.axpy(cols, 1f, g.data(), off, out, off);
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x − log Σ_row eˣ", "∂L/∂x = ∂L/∂z − softmax(x)·Σ_row ∂L/∂z");
    }
}

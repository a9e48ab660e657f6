package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * {@code z[i, j] = x[i, j] + b[j]}: a rank-1 bias broadcast over the rows of a rank-2 tensor.
 * Backward: {@code dx = g}, {@code db[j] = Σ_i g[i, j]}.
 */
public final class AddBias extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor b = in[1];
        if (x.rank() != 2 || b.rank() != 1 || b.dim(0) != x.dim(1)) {
            throw new IllegalArgumentException("bias add needs a rows × cols tensor and a bias of shape [cols], got "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(b.shape()));
        }
        Tensor z = newUninitializedLike(x);
        System.arraycopy(x.data(), 0, z.data(), 0, x.size());
        Simd.kernels().addRowVector(b.data(), 0, z.data(), 0, x.dim(0), x.dim(1));
        saveForBackward(b);
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gb = null;
        if (needsInputGrad(1)) {
            gb = newTensorLike(saved(0));
            Simd.kernels().sumRows(g.data(), 0, g.dim(0), g.dim(1), gb.data(), 0);
        }
        return new Tensor[] {g, gb};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x + b  (b added to every row)", "∂L/∂x = ∂L/∂z,  ∂L/∂b = Σ_rows ∂L/∂z");
    }
}

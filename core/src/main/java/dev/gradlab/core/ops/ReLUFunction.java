package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/** Elementwise {@code y = max(x, 0)}. Backward: {@code dx = g where x > 0, else 0 (0 at the kink, as PyTorch)}. */
public final class ReLUFunction extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = newUninitializedLike(x);
        Simd.kernels().relu(x.data(), 0, y.data(), 0, x.size());
        saveForBackward(x);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor saved = saved(0);
        Tensor gx = newUninitializedLike(saved);
        Simd.kernels().reluBackward(saved.data(), 0, g.data(), 0, gx.data(), 0, saved.size());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x·[x>0]", "∂L/∂x = ∂L/∂z·[x>0]");
    }
}

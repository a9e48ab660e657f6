package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/** Elementwise {@code y = 1 / (1 + e^-x)}. Backward: {@code dx = g · y · (1 − y), from the saved output}. */
public final class SigmoidFunction extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = newUninitializedLike(x);
        Simd.kernels().sigmoid(x.data(), 0, y.data(), 0, x.size());
        saveForBackward(y);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor saved = saved(0);
        Tensor gx = newUninitializedLike(saved);
        Simd.kernels().sigmoidBackward(saved.data(), 0, g.data(), 0, gx.data(), 0, saved.size());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = 1 / (1 + e⁻ˣ)", "∂L/∂x = ∂L/∂z·z·(1 − z)");
    }
}

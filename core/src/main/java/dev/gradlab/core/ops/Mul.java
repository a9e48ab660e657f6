package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/** {@code z = x · y} elementwise, for tensors of one shape. Backward: {@code dx = g·y}, {@code dy = g·x}. */
public final class Mul extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        checkShape("second operand (same as the first)", y, x.shape());
        saveForBackward(x, y);
        Tensor z = newTensorLike(x);
        Simd.kernels().mul(x.data(), 0, y.data(), 0, z.data(), 0, x.size());
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor y = saved(1);
        Tensor gx = null;
        Tensor gy = null;
        if (needsInputGrad(0)) {
            gx = newTensorLike(x);
            Simd.kernels().mul(g.data(), 0, y.data(), 0, gx.data(), 0, x.size());
        }
        if (needsInputGrad(1)) {
            gy = newTensorLike(y);
            Simd.kernels().mul(g.data(), 0, x.data(), 0, gy.data(), 0, y.size());
        }
        return new Tensor[] {gx, gy};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x·y", "∂L/∂x = ∂L/∂z·y,  ∂L/∂y = ∂L/∂z·x");
    }
}

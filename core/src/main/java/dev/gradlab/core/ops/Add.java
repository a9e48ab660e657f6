package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/** {@code z = x + y} elementwise, for tensors of one shape. Backward: {@code dx = dy = g}. */
public final class Add extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        checkShape("second operand (same as the first)", y, x.shape());
        Tensor z = newTensorLike(x);
        Simd.kernels().add(x.data(), 0, y.data(), 0, z.data(), 0, x.size());
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g, g};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x + y", "∂L/∂x = ∂L/∂z,  ∂L/∂y = ∂L/∂z");
    }
}

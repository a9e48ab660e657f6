package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * ReQU, the rectified quadratic unit, elementwise:
 * <pre>
 *   z     = x²   if x > 0, else 0
 *   dz/dx = 2x   if x > 0, else 0
 * </pre>
 * Written with only the public {@link Function} API, exactly as a user writes an activation of
 * their own: forward saves its input, backward multiplies the incoming gradient by {@code 2x}.
 */
public final class ReQUFunction extends Function {

    @Override
    protected Tensor forward(Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor z = newUninitializedLike(x);
        Simd.kernels().requ(x.data(), 0, z.data(), 0, x.size());
        saveForBackward(x);
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        Tensor x = saved(0);
        Tensor gx = newUninitializedLike(x);
        Simd.kernels().requBackward(x.data(), 0, gradOutput.data(), 0, gx.data(), 0, x.size());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x²·[x>0]", "∂L/∂x = ∂L/∂z·2x·[x>0]");
    }
}

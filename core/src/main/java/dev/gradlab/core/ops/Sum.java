package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/** {@code s = Σ x} over all elements, a rank-0 tensor. Backward: {@code dx = g} everywhere. */
public final class Sum extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor input = in[0];
        saveForBackward(input);
        Tensor s = newUninitialized();
        s.data()[0] = Simd.kernels().sum(input.data(), 0, input.size());
        return s;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor input = saved(0);
        Tensor gx = newUninitializedLike(input);
        Arrays.fill(gx.data(), g.item());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = Σx", "∂L/∂x = ∂L/∂z");
    }
}

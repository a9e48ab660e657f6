package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/** {@code m = Σ x / n} over all n elements, a rank-0 tensor. Backward: {@code dx = g / n} everywhere. */
public final class Mean extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor input = in[0];
        saveForBackward(input);
        if (input.size() == 0) {
            throw new IllegalArgumentException("mean of an empty tensor " + Arrays.toString(input.shape()));
        }
        Tensor m = newUninitialized();
        m.data()[0] = Simd.kernels().sum(input.data(), 0, input.size()) / input.size();
        return m;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor input = saved(0);
        Tensor gx = newUninitializedLike(input);
        Arrays.fill(gx.data(), g.item() / input.size());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = Σx / n", "∂L/∂x = ∂L/∂z / n");
    }
}

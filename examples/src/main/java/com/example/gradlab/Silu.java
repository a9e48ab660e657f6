package com.example.gradlab;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * SiLU (swish), elementwise, written as any user writes an activation of their own:
 * <pre>
 *   y     = x·σ(x)
 *   dy/dx = σ(x)·(1 + x·(1 − σ(x)))
 * </pre>
 * Forward keeps σ(x) for backward, so backward needs no second exponential. σ comes from gradlab's
 * vectorized kernels; the products are plain loops that the JIT vectorizes.
 */
public final class Silu extends Function {

    @Override
    protected Tensor forward(Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor s = newTensorLike(x);
        Tensor y = newTensorLike(x);
        float[] xs = x.data();
        float[] ss = s.data();
        float[] ys = y.data();
        Simd.kernels().sigmoid(xs, 0, ss, 0, xs.length);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = xs[i] * ss[i];
        }
        saveForBackward(x, s);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        Tensor x = saved(0);
        Tensor s = saved(1);
        Tensor gx = newTensorLike(x);
        float[] xs = x.data();
        float[] ss = s.data();
        float[] gy = gradOutput.data();
        float[] g = gx.data();
        for (int i = 0; i < xs.length; i++) {
            g[i] = gy[i] * ss[i] * (1f + xs[i] * (1f - ss[i]));
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x·σ(x)", "∂L/∂x = ∂L/∂z·σ(x)·(1 + x·(1 − σ(x)))");
    }
}

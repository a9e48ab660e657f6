package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * {@code z = xᵖ} elementwise, broadcasting (computed in double, rounded once). Backward:
 * {@code dx = g·p·xᵖ⁻¹}, {@code dp = g·z·ln x} (0 where {@code x = 0}, as PyTorch), each summed over
 * the axes along which its operand was broadcast. A negative base with a non-integer exponent gives
 * NaN, as in PyTorch.
 */
public final class Pow extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor p = in[1];
        Tensor z = newUninitialized(Broadcast.shape("pow", x.shape(), p.shape()));
        Broadcast.rows(z.shape(), x, p, z, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
            for (int i = 0; i < n; i++) {
                c[co + i] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]);
            }
        });
        saveForBackward(x, p, z);
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor p = saved(1);
        Tensor z = saved(2);
        Tensor gx = null;
        Tensor gp = null;
        if (needsInputGrad(0)) {
            Tensor slope = newUninitializedLike(z);
            Broadcast.rows(z.shape(), x, p, slope, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    double e = b[bo + i * bs];
                    c[co + i] = (float) (e * Math.pow(a[ao + i * as], e - 1));
                }
            });
            gx = Broadcast.reduceProduct(g, slope, x);
        }
        if (needsInputGrad(1)) {
            Tensor slope = newUninitializedLike(z);
            Broadcast.rows(z.shape(), z, x, slope, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    float base = b[bo + i * bs];
                    c[co + i] = base == 0f ? 0f : (float) (a[ao + i] * Math.log(base));
                }
            });
            gp = Broadcast.reduceProduct(g, slope, p);
        }
        return new Tensor[] {gx, gp};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = xᵖ", "∂L/∂x = ∂L/∂z·p·xᵖ⁻¹,  ∂L/∂p = ∂L/∂z·z·ln x");
    }
}

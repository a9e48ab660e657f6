package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * {@code z = x / y} elementwise, broadcasting. Backward: {@code dx = g / y}, {@code dy = −g·z / y}
 * (that is {@code −g·x/y²}), each summed over the axes along which its operand was broadcast.
 */
public final class Div extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        Tensor z = newUninitialized(Broadcast.shape("div", x.shape(), y.shape()));
        Broadcast.rows(z.shape(), x, y, z, Div::row);
        saveForBackward(x, y, z);
        return z;
    }

    private static void row(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (ys == 0) {
            float b = y[yo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = x[xo + i * xs] / b;
            }
        } else {
            for (int i = 0; i < n; i++) {
                z[zo + i] = x[xo + i * xs] / y[yo + i];
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor y = saved(1);
        Tensor z = saved(2);
        Tensor gx = null;
        Tensor gy = null;
        if (needsInputGrad(0)) {
            gx = newTensorLike(x);
            Broadcast.rows(g.shape(), g, y, gx, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i * cs] += a[ao + i * as] / b[bo + i * bs];
                }
            });
        }
        if (needsInputGrad(1)) {
            Tensor gz = newUninitializedLike(z);
            Simd.kernels().mul(g.data(), 0, z.data(), 0, gz.data(), 0, z.size());
            gy = newTensorLike(y);
            Broadcast.rows(g.shape(), gz, y, gy, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i * cs] -= a[ao + i * as] / b[bo + i * bs];
                }
            });
        }
        return new Tensor[] {gx, gy};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x / y", "∂L/∂x = ∂L/∂z / y,  ∂L/∂y = −∂L/∂z·x / y²");
    }
}

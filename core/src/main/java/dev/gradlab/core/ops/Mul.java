package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * {@code z = x · y} elementwise, broadcasting. Backward: {@code dx = g·y}, {@code dy = g·x}, each
 * summed over the axes along which its operand was broadcast.
 */
public final class Mul extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        saveForBackward(x, y);
        if (x.sameShape(y)) {
            Tensor z = newUninitializedLike(x);
            Simd.kernels().mul(x.data(), 0, y.data(), 0, z.data(), 0, x.size());
            return z;
        }
        Tensor z = newUninitialized(Broadcast.shape("mul", x.shape(), y.shape()));
        Broadcast.rows(z.shape(), x, y, z, Mul::row);
        return z;
    }

    private static void row(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (xs == 1 && ys == 1) {
            Simd.kernels().mul(x, xo, y, yo, z, zo, n);
        } else if (ys == 0) {
            float b = y[yo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = x[xo + i * xs] * b;
            }
        } else {
            float a = x[xo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = a * y[yo + i];
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor y = saved(1);
        Tensor gx = null;
        Tensor gy = null;
        if (needsInputGrad(0)) {
            gx = Broadcast.reduceProduct(g, y, x);
        }
        if (needsInputGrad(1)) {
            gy = Broadcast.reduceProduct(g, x, y);
        }
        return new Tensor[] {gx, gy};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x·y", "∂L/∂x = ∂L/∂z·y,  ∂L/∂y = ∂L/∂z·x");
    }
}

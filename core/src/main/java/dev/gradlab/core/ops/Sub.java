package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * {@code z = x − y} elementwise, broadcasting. Backward: {@code dx = g}, {@code dy = −g}, each summed
 * over the axes along which its operand was broadcast.
 */
public final class Sub extends Function {

    private int[] xShape;
    private int[] yShape;

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        xShape = x.shape();
        yShape = y.shape();
        Tensor z = newUninitialized(Broadcast.shape("sub", xShape, yShape));
        Broadcast.rows(z.shape(), x, y, z, Sub::row);
        return z;
    }

    private static void row(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (xs == 1 && ys == 1) {
            Simd.kernels().axpyTo(n, -1f, y, yo, x, xo, z, zo);
        } else if (ys == 0) {
            float b = y[yo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = x[xo + i * xs] - b;
            }
        } else {
            float a = x[xo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = a - y[yo + i];
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gy = null;
        if (needsInputGrad(1)) {
            gy = newTensor(yShape);
            Simd.kernels().axpy(gy.size(), -1f, Broadcast.sumTo(g, yShape).data(), 0, gy.data(), 0);
        }
        return new Tensor[] {needsInputGrad(0) ? Broadcast.sumTo(g, xShape) : null, gy};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x − y", "∂L/∂x = ∂L/∂z,  ∂L/∂y = −∂L/∂z");
    }
}

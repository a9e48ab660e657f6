package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;

/**
 * {@code z = x + y} elementwise, broadcasting. Backward: {@code dx = g}, {@code dy = g}, each summed
 * over the axes along which its operand was broadcast.
 */
public final class Add extends Function {

    /** The operands' shapes when they differ (broadcast); null when equal. */
    private int[] xShape;

    private int[] yShape;

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        if (x.sameShape(y)) {
            Tensor z = newUninitializedLike(x);
            Simd.kernels().add(x.data(), 0, y.data(), 0, z.data(), 0, x.size());
            return z;
        }
        xShape = x.shape();
        yShape = y.shape();
        Tensor z = newUninitialized(Broadcast.shape("add", xShape, yShape));
        Broadcast.rows(z.shape(), x, y, z, Add::row);
        return z;
    }

    static void row(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (xs == 1 && ys == 1) {
            Simd.kernels().add(x, xo, y, yo, z, zo, n);
        } else if (ys == 0) {
            float b = y[yo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = x[xo + i * xs] + b;
            }
        } else {
            float a = x[xo];
            for (int i = 0; i < n; i++) {
                z[zo + i] = a + y[yo + i];
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        if (xShape == null) {
            return new Tensor[] {g, g};
        }
        return new Tensor[] {
            needsInputGrad(0) ? Broadcast.sumTo(g, xShape) : null, needsInputGrad(1) ? Broadcast.sumTo(g, yShape) : null
        };
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x + y", "∂L/∂x = ∂L/∂z,  ∂L/∂y = ∂L/∂z");
    }
}

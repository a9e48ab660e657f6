package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * The elementwise maximum or minimum of two tensors, broadcasting; NaN when either is NaN.
 * Backward: the gradient goes to the operand that was chosen, split in halves where the two are
 * equal, as PyTorch's; each summed over the axes along which its operand was broadcast.
 */
abstract class Extremum extends Function {

    private final boolean min;

    Extremum(boolean min) {
        this.min = min;
    }

    @Override
    protected final Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor y = in[1];
        Tensor z = newUninitialized(Broadcast.shape(min ? "minimum" : "maximum", x.shape(), y.shape()));
        if (min) {
            Broadcast.rows(z.shape(), x, y, z, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i] = Math.min(a[ao + i * as], b[bo + i * bs]);
                }
            });
        } else {
            Broadcast.rows(z.shape(), x, y, z, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
                for (int i = 0; i < n; i++) {
                    c[co + i] = Math.max(a[ao + i * as], b[bo + i * bs]);
                }
            });
        }
        saveForBackward(x, y);
        return z;
    }

    @Override
    protected final Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor y = saved(1);
        return new Tensor[] {needsInputGrad(0) ? share(g, x, y) : null, needsInputGrad(1) ? share(g, y, x) : null};
    }

    /** The gradient of operand {@code a}: g where a is chosen over b, g/2 where a = b, else 0. */
    private Tensor share(Tensor g, Tensor a, Tensor b) {
        Tensor mask = newUninitializedLike(g);
        boolean smaller = min;
        Broadcast.rows(g.shape(), a, b, mask, (u, uo, us, v, vo, vs, c, co, cs, n) -> {
            for (int i = 0; i < n; i++) {
                float p = u[uo + i * us];
                float q = v[vo + i * vs];
                c[co + i] = p == q ? 0.5f : (smaller ? p < q : p > q) ? 1f : 0f;
            }
        });
        return Broadcast.reduceProduct(g, mask, a);
    }
}

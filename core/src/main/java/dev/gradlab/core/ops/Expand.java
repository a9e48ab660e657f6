package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * The input repeated along its size-1 dims (and new leading dims) to {@code sizes}, as PyTorch's
 * {@code expand}, where −1 keeps a dim; the output is a copy. Backward: {@code g} summed over the
 * repeated dims.
 */
public final class Expand extends Function {

    private final int[] sizes;
    private int[] inShape;

    public Expand(int... sizes) {
        this.sizes = sizes.clone();
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        inShape = x.shape();
        int[] out = sizes.clone();
        boolean ok = out.length >= inShape.length;
        for (int d = 1; ok && d <= out.length; d++) {
            int have = d <= inShape.length ? inShape[inShape.length - d] : -2;
            int want = out[out.length - d];
            if (want == -1 && have >= 0) {
                out[out.length - d] = have;
            } else {
                ok = want >= 0 && (have == want || have == 1 || have == -2);
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("expand: shape " + Dims.str(inShape) + " cannot be expanded to "
                    + Dims.str(sizes) + " (only size-1 dims repeat, and new dims go in front)");
        }
        Tensor z = newUninitialized(out);
        Broadcast.rows(out, x, x, z, (a, ao, as, b, bo, bs, c, co, cs, n) -> {
            for (int i = 0; i < n; i++) {
                c[co + i] = a[ao + i * as];
            }
        });
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {Broadcast.sumTo(g, inShape)};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x repeated along its size-1 dims (a copy)", "∂L/∂x = ∂L/∂z summed over the repeats");
    }
}

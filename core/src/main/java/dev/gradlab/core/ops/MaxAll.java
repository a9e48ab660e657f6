package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.Arrays;

/**
 * The largest (or smallest) of all elements, a rank-0 tensor; NaN when any element is NaN.
 * Backward: {@code g} shared evenly among the elements equal to the result, as PyTorch's.
 */
public final class MaxAll extends Function {

    private final boolean min;

    /** The maximum ({@code min} false) or the minimum of all elements. */
    public MaxAll(boolean min) {
        this.min = min;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        if (x.size() == 0) {
            throw new IllegalArgumentException(op() + "() of an empty tensor " + Arrays.toString(x.shape()));
        }
        float[] xd = x.data();
        float value = xd[0];
        for (int i = 1; i < xd.length && !Float.isNaN(value); i++) {
            float v = xd[i];
            if (Float.isNaN(v) || (min ? v < value : v > value)) {
                value = v;
            }
        }
        Tensor z = newUninitialized();
        z.data()[0] = value;
        saveForBackward(x, z);
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        float value = saved(1).data()[0];
        float[] xd = x.data();
        int ties = 0;
        for (float v : xd) {
            ties += Float.compare(v, value) == 0 ? 1 : 0;
        }
        Tensor gx = newUninitializedLike(x);
        float share = g.data()[0] / ties;
        float[] out = gx.data();
        for (int i = 0; i < xd.length; i++) {
            out[i] = Float.compare(xd[i], value) == 0 ? share : 0f;
        }
        return new Tensor[] {gx};
    }

    @Override
    protected String name() {
        return min ? "MinAll" : "MaxAll";
    }

    /** The Tensor method's name, for messages. */
    private String op() {
        return min ? "min" : "max";
    }

    @Override
    protected Formula formula() {
        return min
                ? new Formula("z = min x", "∂L/∂x = ∂L/∂z / k at the k minima, else 0")
                : new Formula("z = max x", "∂L/∂x = ∂L/∂z / k at the k maxima, else 0");
    }
}

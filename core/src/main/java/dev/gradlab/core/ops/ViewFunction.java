package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.Arrays;

/**
 * The same elements, in the same row-major order, under another shape of equal size, as PyTorch's
 * {@code view} of a contiguous tensor: {@code z = x} seen as the new shape; {@code dx = g} seen as
 * x's shape. Copies rather than shares storage, so that a workspace may lend the output's.
 */
public final class ViewFunction extends Function {

    private final int[] shape;
    private int[] inputShape;

    /** @param shape the output's shape; its size must be the input's */
    public ViewFunction(int... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != x.size()) {
            throw new IllegalArgumentException("view: shape " + Arrays.toString(shape) + " (" + size
                    + " elements) does not fit input " + Arrays.toString(x.shape()) + " (" + x.size() + " elements)");
        }
        inputShape = x.shape();
        Tensor z = newTensor(shape);
        System.arraycopy(x.data(), 0, z.data(), 0, x.size());
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gx = newTensor(inputShape);
        System.arraycopy(g.data(), 0, gx.data(), 0, g.size());
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x viewed as " + Arrays.toString(shape), "∂L/∂x = ∂L/∂z viewed as x's shape");
    }
}

package dev.gradlab.core.example;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * The README's example of a user-defined activation, written like ReQU:
 * {@code y = log(1 + e^x)}, {@code dy/dx = sigmoid(x)}.
 */
public final class Softplus extends Function {

    @Override
    protected Tensor forward(Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor y = newTensorLike(x);            // lent by a Workspace when one is open
        float[] xs = x.data();
        float[] ys = y.data();
        for (int i = 0; i < xs.length; i++) {
            // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), which never overflows
            ys[i] = (float) (Math.max(xs[i], 0) + Math.log1p(Math.exp(-Math.abs(xs[i]))));
        }
        saveForBackward(x);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        Tensor x = saved(0);
        Tensor gx = newTensorLike(x);
        float[] xs = x.data();
        float[] g = gradOutput.data();
        float[] gxs = gx.data();
        for (int i = 0; i < xs.length; i++) {
            gxs[i] = g[i] * (float) (1 / (1 + Math.exp(-xs[i])));
        }
        return new Tensor[] {gx};
    }
}

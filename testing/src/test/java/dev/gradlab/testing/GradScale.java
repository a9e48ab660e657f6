package dev.gradlab.testing;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/** The identity whose backward multiplies the gradient by {@code scale}: a backward {@code scale − 1} wrong. */
final class GradScale extends Function {

    private final float scale;

    GradScale(float scale) {
        this.scale = scale;
    }

    @Override
    protected Tensor forward(Tensor... inputs) {
        return inputs[0].copy();
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        Tensor g = newTensorLike(gradOutput);
        float[] in = gradOutput.data();
        float[] out = g.data();
        for (int i = 0; i < in.length; i++) {
            out[i] = scale * in[i];
        }
        return new Tensor[] {g};
    }
}

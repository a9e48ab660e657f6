package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;

/**
 * An elementwise op of one input: {@link #compute} writes the output and {@link #gradient} the
 * input's gradient, each over whole arrays whose old contents are unspecified, from the saved input
 * or the saved output (whichever the derivative is cheaper from).
 */
abstract class Elementwise extends Function {

    private final boolean savesOutput;

    Elementwise(boolean savesOutput) {
        this.savesOutput = savesOutput;
    }

    /** {@code z = f(x)}. */
    abstract void compute(float[] x, float[] z);

    /** {@code gx = g · f'(x)}, from {@code saved}: the input, or the output when the op saves it. */
    abstract void gradient(float[] saved, float[] g, float[] gx);

    @Override
    protected final Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor z = newUninitializedLike(x);
        compute(x.data(), z.data());
        saveForBackward(savesOutput ? z : x);
        return z;
    }

    @Override
    protected final Tensor[] backward(Tensor g) {
        Tensor saved = saved(0);
        Tensor gx = newUninitializedLike(saved);
        gradient(saved.data(), g.data(), gx.data());
        return new Tensor[] {gx};
    }
}

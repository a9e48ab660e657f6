package dev.gradlab.core.example;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/**
 * The README's example of a user-defined activation, written like ReQU:
 * {@code y = log(1 + e^x)}, {@code dy/dx = sigmoid(x)}. Evaluated as
 * {@code max(x, 0) − log(sigmoid(|x|))}, which never overflows, on the library's vectorized
 * kernels and plain loops the JIT vectorizes itself.
 */
public final class Softplus extends Function {

    private static final int BLOCK = 2048;

    @Override
    protected Tensor forward(Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor y = newTensorLike(x); // lent by a Workspace when one is open
        float[] xs = x.data();
        float[] ys = y.data();
        Kernels k = Simd.kernels();
        // Four passes, a block at a time so that each block stays in L1 between them.
        for (int from = 0; from < xs.length; from += BLOCK) {
            int to = Math.min(xs.length, from + BLOCK);
            for (int i = from; i < to; i++) {
                ys[i] = Math.abs(xs[i]);
            }
            k.sigmoid(ys, from, ys, from, to - from); // in [1/2, 1): its log never underflows
            k.log(ys, from, ys, from, to - from);
            for (int i = from; i < to; i++) {
                ys[i] = Math.max(xs[i], 0f) - ys[i];
            }
        }
        saveForBackward(x);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        Tensor x = saved(0);
        Tensor gx = newTensorLike(x);
        Kernels k = Simd.kernels();
        k.sigmoid(x.data(), 0, gx.data(), 0, x.size());
        k.mul(gx.data(), 0, gradOutput.data(), 0, gx.data(), 0, x.size());
        return new Tensor[] {gx};
    }
}

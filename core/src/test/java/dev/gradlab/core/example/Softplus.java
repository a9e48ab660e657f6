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

    @Override
    protected Tensor forward(Tensor... inputs) {
        Tensor x = inputs[0];
        Tensor y = newTensorLike(x);            // lent by a Workspace when one is open
        float[] xs = x.data();
        float[] ys = y.data();
        int n = xs.length;
        Kernels k = Simd.kernels();
        for (int i = 0; i < n; i++) {
            ys[i] = Math.abs(xs[i]);
        }
        k.sigmoid(ys, 0, ys, 0, n);             // in [1/2, 1): its log never underflows
        k.log(ys, 0, ys, 0, n);
        for (int i = 0; i < n; i++) {
            ys[i] = Math.max(xs[i], 0f) - ys[i];
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

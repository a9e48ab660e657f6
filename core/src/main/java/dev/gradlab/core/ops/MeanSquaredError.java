package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * {@code L = (1/n) Σ (p − t)²} over all n elements of two tensors of one shape. Backward:
 * {@code dp = g · 2(p − t)/n}, {@code dt = −dp}.
 */
public final class MeanSquaredError extends Function {

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor p = in[0];
        Tensor t = in[1];
        checkShape("target (same as the prediction)", t, p.shape());
        if (p.size() == 0) {
            throw new IllegalArgumentException("mse of empty tensors, shape " + Arrays.toString(p.shape()));
        }
        Tensor diff = newUninitializedLike(p);
        System.arraycopy(p.data(), 0, diff.data(), 0, p.size());
        Simd.kernels().axpy(p.size(), -1f, t.data(), 0, diff.data(), 0);
        Tensor loss = newUninitialized();
        loss.data()[0] = Simd.kernels().dot(diff.data(), 0, diff.data(), 0, p.size()) / p.size();
        saveForBackward(diff);
        return loss;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor diff = saved(0);
        float factor = 2f * g.item() / diff.size();
        Tensor gp = null;
        Tensor gt = null;
        if (needsInputGrad(0)) {
            gp = newTensorLike(diff);
            Simd.kernels().axpy(diff.size(), factor, diff.data(), 0, gp.data(), 0);
        }
        if (needsInputGrad(1)) {
            gt = newTensorLike(diff);
            Simd.kernels().axpy(diff.size(), -factor, diff.data(), 0, gt.data(), 0);
        }
        return new Tensor[] {gp, gt};
    }

    @Override
    protected Formula formula() {
        return new Formula("L = Σ(p − t)² / n", "∂L/∂p = ∂L/∂L·2(p − t)/n,  ∂L/∂t = −∂L/∂p");
    }
}

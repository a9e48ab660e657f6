package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * Adam with {@code torch.optim.Adam}'s semantics (no AMSGrad), step for step:
 *
 * <pre>
 *   g = g + weightDecay·p
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   p = p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * The bias corrections are computed in double, as PyTorch does in Python, and applied in float;
 * {@code a + α·b} updates are fused multiply-adds, as in PyTorch's vectorized CPU kernels.
 */
public final class Adam implements Optimizer {

    private final List<Tensor> params;
    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] m;
    private final float[][] v;
    private final long[] steps;

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this.params = Checks.parameters(params);
        this.lr = Checks.finiteAtLeast("lr", lr, 0f);
        this.beta1 = Checks.inUnitInterval("beta1", beta1);
        this.beta2 = Checks.inUnitInterval("beta2", beta2);
        this.eps = Checks.finiteAtLeast("eps", eps, 0f);
        this.weightDecay = Checks.finiteAtLeast("weightDecay", weightDecay, 0f);
        this.m = new float[this.params.size()][];
        this.v = new float[this.params.size()][];
        this.steps = new long[this.params.size()];
    }

    /** Adam with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay. */
    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            Tensor grad = p.grad();
            if (grad == null) {
                continue;
            }
            float[] w = p.data();
            float[] g = grad.data();
            if (m[i] == null) {
                m[i] = new float[w.length];
                v[i] = new float[w.length];
            }
            long t = ++steps[i];
            double correction1 = 1 - Math.pow(decimal(beta1), t);
            double correction2 = 1 - Math.pow(decimal(beta2), t);
            float stepSize = (float) (-decimal(lr) / correction1);
            float sqrtCorrection2 = (float) Math.sqrt(correction2);
            float keep1 = beta1;
            float take1 = (float) (1 - decimal(beta1));
            float keep2 = beta2;
            float take2 = (float) (1 - decimal(beta2));
            float[] mi = m[i];
            float[] vi = v[i];
            for (int j = 0; j < w.length; j++) {
                float gj = weightDecay != 0 ? Math.fma(weightDecay, w[j], g[j]) : g[j];
                float mj = Math.fma(take1, gj, mi[j] * keep1);
                float vj = Math.fma(take2 * gj, gj, vi[j] * keep2);
                mi[j] = mj;
                vi[j] = vj;
                float denom = (float) Math.sqrt(vj) / sqrtCorrection2 + eps;
                w[j] = w[j] + stepSize * mj / denom;
            }
        }
    }

    /**
     * The double a user means by a float hyperparameter (0.9f → 0.9): PyTorch computes
     * {@code 1 − β} and the bias corrections from Python doubles, and {@code 1 − (double) 0.9f}
     * rounds to a different float than {@code 1 − 0.9}.
     */
    private static double decimal(float x) {
        return Double.parseDouble(Float.toString(x));
    }

    @Override
    public List<Tensor> parameters() {
        return params;
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps
                + ", weightDecay=" + weightDecay + ")";
    }
}

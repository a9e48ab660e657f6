package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with {@code torch.optim.SGD}'s semantics, step for step:
 *
 * <pre>
 *   d = g + weightDecay·p
 *   b = d                                   (first step)
 *   b = momentum·b + (1 − dampening)·d      (later steps; the buffer persists)
 *   d = nesterov ? d + momentum·b : b       (when momentum ≠ 0)
 *   p = p − lr·d
 * </pre>
 *
 * <p>Each {@code a + α·b} is one fused multiply-add, as in PyTorch's vectorized CPU kernels, so
 * the trajectories agree to the bit.
 */
public final class Sgd implements Optimizer {

    private final List<Tensor> params;
    private final float lr;
    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;
    private final float[][] buffers;
    private final float[][] scratch;

    public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay,
               boolean nesterov) {
        this.params = Checks.parameters(params);
        this.lr = Checks.finiteAtLeast("lr", lr, 0f);
        this.momentum = Checks.finiteAtLeast("momentum", momentum, 0f);
        this.dampening = Checks.finiteAtLeast("dampening", dampening, 0f);
        this.weightDecay = Checks.finiteAtLeast("weightDecay", weightDecay, 0f);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0, got momentum "
                    + momentum + " and dampening " + dampening);
        }
        this.nesterov = nesterov;
        this.buffers = new float[this.params.size()][];
        this.scratch = new float[this.params.size()][];
    }

    /** Plain SGD with momentum, the reference experiment's optimizer. */
    public Sgd(List<Tensor> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, 0f, false);
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
            float[] d = grad.data();
            int n = w.length;
            if (weightDecay != 0) {
                // d must not overwrite the gradient, which the caller still owns.
                float[] t = scratch(i, n);
                for (int j = 0; j < n; j++) {
                    t[j] = Math.fma(weightDecay, w[j], d[j]);
                }
                d = t;
            }
            float rate = -lr;
            if (momentum != 0 && !nesterov && buffers[i] != null) {
                // The common case in one pass: buffer and parameter updated together.
                float[] b = buffers[i];
                float keep = 1f - dampening;
                for (int j = 0; j < n; j++) {
                    float bj = Math.fma(keep, d[j], b[j] * momentum);
                    b[j] = bj;
                    w[j] = Math.fma(rate, bj, w[j]);
                }
                continue;
            }
            if (momentum != 0) {
                float[] b = buffers[i];
                if (b == null) {
                    buffers[i] = b = d.clone();
                } else {
                    float keep = 1f - dampening;
                    for (int j = 0; j < n; j++) {
                        b[j] = Math.fma(keep, d[j], b[j] * momentum);
                    }
                }
                if (nesterov) {
                    float[] t = scratch(i, n);
                    for (int j = 0; j < n; j++) {
                        t[j] = Math.fma(momentum, b[j], d[j]);
                    }
                    d = t;
                } else {
                    d = b;
                }
            }
            for (int j = 0; j < n; j++) {
                w[j] = Math.fma(rate, d[j], w[j]);
            }
        }
    }

    private float[] scratch(int i, int n) {
        if (scratch[i] == null) {
            scratch[i] = new float[n];
        }
        return scratch[i];
    }

    @Override
    public List<Tensor> parameters() {
        return params;
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + lr + ", momentum=" + momentum + ", dampening=" + dampening
                + ", weightDecay=" + weightDecay + ", nesterov=" + nesterov + ")";
    }
}

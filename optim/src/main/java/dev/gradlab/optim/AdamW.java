package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * Adam with decoupled weight decay, {@code torch.optim.AdamW}: the parameter shrinks by
 * {@code p = p·(1 − lr·weightDecay)} before the step, and the gradient is left as it is; otherwise
 * the rule and its state are {@link Adam}'s.
 */
public final class AdamW extends Optimizer<Adam.Group> {

    public AdamW(List<Adam.Group> groups) {
        super(groups, Adam.BUFFERS);
    }

    public AdamW(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(List.of(Adam.group(params, lr, beta1, beta2, eps, weightDecay)));
    }

    /** AdamW with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f);
    }

    @Override
    protected void update(Adam.Group group, float[] w, float[] g, ParamState state) {
        // PyTorch forms 1 − lr·λ in double and multiplies in float.
        float shrink = (float) (1 - group.lr() * group.weightDecay());
        if (shrink != 1f) {
            for (int j = 0; j < w.length; j++) {
                w[j] *= shrink;
            }
        }
        Adam.step(group, w, g, state, 0f);
    }
}

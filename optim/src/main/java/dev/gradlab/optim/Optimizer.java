package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * An update rule with per-parameter state, as {@code torch.optim.Optimizer}: modules own the
 * parameters, the optimizer owns how they move. A parameter whose gradient is null is skipped.
 */
public interface Optimizer {

    /** Updates every parameter that has a gradient, from that gradient. */
    void step();

    /** Clears every parameter's gradient (to null, like {@code zero_grad(set_to_none=True)}). */
    default void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** The parameters this optimizer updates, in the order it was given them. */
    List<Tensor> parameters();
}

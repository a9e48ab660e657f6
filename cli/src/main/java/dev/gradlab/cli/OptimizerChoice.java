package dev.gradlab.cli;

import dev.gradlab.core.Tensor;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.Optimizer;
import dev.gradlab.optim.Sgd;
import java.util.List;
import java.util.Locale;

/**
 * The optimizers {@code --optimizer} offers, each with the learning rate it gets when {@code --lr}
 * is left out: SGD's trains the reference network by backprop; Adam's trains it by ES and FD (after
 * OpenAI's evolution-strategies starter), whichever method it is paired with.
 */
enum OptimizerChoice {
    SGD(0.1f) {
        @Override
        Optimizer<?> create(List<Tensor> params, float lr, Float momentum) {
            return new Sgd(params, lr, momentum != null ? momentum : MOMENTUM);
        }
    },
    ADAM(0.01f) {
        @Override
        Optimizer<?> create(List<Tensor> params, float lr, Float momentum) {
            return new Adam(params, lr);
        }
    };

    /** SGD's momentum when {@code --momentum} is left out, the reference experiment's. */
    static final float MOMENTUM = 0.9f;

    final float lr;

    OptimizerChoice(float lr) {
        this.lr = lr;
    }

    /** The optimizer of {@code params}; {@code momentum} is SGD's, null for its default. */
    abstract Optimizer<?> create(List<Tensor> params, float lr, Float momentum);

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Module;

/** The exact gradient by reverse-mode differentiation on the tape: one forward, one backward. */
public final class Backprop implements GradientEstimator {

    @Override
    public Estimate estimate(Module model, Objective objective, Batch batch, long step) {
        long start = System.nanoTime();
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        // Activations and intermediate gradients are lent by the workspace and reused next step;
        // the parameters' gradients are ordinary tensors and outlive it.
        float loss;
        try (Workspace workspace = Workspace.open()) {
            Tensor l = objective.loss(model.forward(batch.inputs()), batch);
            l.backward();
            loss = l.item();
        }
        return new Estimate(1, System.nanoTime() - start, loss);
    }

    @Override
    public String name() {
        return "backprop";
    }

    @Override
    public String toString() {
        return name();
    }
}

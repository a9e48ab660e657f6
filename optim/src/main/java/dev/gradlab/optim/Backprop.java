package dev.gradlab.optim;

import dev.gradlab.core.Losses;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Module;

/** The exact gradient by reverse-mode differentiation on the tape: one forward, one backward. */
public final class Backprop implements GradientEstimator {

    @Override
    public Estimate estimate(Module model, Tensor x, int[] labels, long step) {
        long start = System.nanoTime();
        Checks.batch(x, labels);
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        // Activations and intermediate gradients are lent by the workspace and reused next step;
        // the parameters' gradients are ordinary tensors and outlive it.
        float loss;
        try (Workspace workspace = Workspace.open()) {
            Tensor l = Losses.crossEntropy(model.forward(x), labels);
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

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Module;

/** An objective of a model on a batch, evaluated without recording a graph. */
final class BatchLoss {

    private BatchLoss() {}

    static float of(Module model, Objective objective, Batch batch) {
        try (var scope = Tape.noGrad();
                var ws = Workspace.open()) {
            return objective.value(model.forward(batch.inputs()), batch);
        }
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * A layer or a network of layers: a forward function and the parameters it owns. Any module can be
 * evaluated for a whole population of perturbed parameters
 * ({@link dev.gradlab.core.population.PopulationEvaluator}); one that shares work between the
 * members also implements {@link dev.gradlab.core.population.PopulationForward}.
 */
public interface Module {

    Tensor forward(Tensor x);

    /** The tensors this module trains, in a stable order (the order flattening uses). */
    List<Tensor> parameters();


    /**
     * Puts this module in training mode ({@code true}) or evaluation mode, as PyTorch's
     * {@code train(mode)}; returns this. Modules start in training mode. Only modules that behave
     * differently in the two modes ({@link Dropout}) keep the flag; containers pass it to their
     * layers; the default ignores it.
     */
    default Module train(boolean mode) {
        return this;
    }

    /** Training mode, as PyTorch's {@code train()}: what backprop trains in. */
    default Module train() {
        return train(true);
    }

    /** Evaluation mode, as PyTorch's {@code eval()}: what evaluation and ES and GA populations run in. */
    default Module eval() {
        return train(false);
    }

    /** True in training mode; a module that ignores the mode reports true, PyTorch's default. */
    default boolean isTraining() {
        return true;
    }
}

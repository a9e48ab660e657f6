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
}

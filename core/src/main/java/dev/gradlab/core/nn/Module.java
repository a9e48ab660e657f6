package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.population.Members;
import java.util.List;

/** A layer or a network of layers: a forward function and the parameters it owns. */
public interface Module {

    Tensor forward(Tensor x);

    /** The tensors this module trains, in a stable order (the order flattening uses). */
    List<Tensor> parameters();

    /**
     * Passes the perturbed members of one population direction through this module (see
     * {@link Members} and {@link dev.gradlab.core.population.PopulationEvaluator}). The default is
     * correct for any module: its ordinary {@link #forward} on each member's activations, with its
     * parameters bound to the member's perturbed copies. A module overrides it to share work between
     * members, as {@link Linear} shares {@code X·Wᵀ}.
     */
    default void forwardMembers(Members members) {
        members.forwardEach(this);
    }
}

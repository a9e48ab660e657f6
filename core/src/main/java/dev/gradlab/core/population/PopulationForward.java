package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;

/**
 * A module that shares work between the members of a {@link Population}: a shared phase, computed
 * once for every member that sees the same input from the unperturbed parameters, and a member
 * phase that turns it into one member's output. The {@link PopulationEvaluator} decides which
 * input is shared, runs the unperturbed forward, pairs antithetic members and lends the workspaces;
 * a module only computes.
 *
 * <p>A bias-free linear layer of a user's, sharing {@code X·Wᵀ} (and, low-rank, {@code X·B}) between
 * all members and adding only each member's perturbation product:
 *
 * <pre>{@code
 * public MatrixProduct share(Tensor x, Tensor y, SharedInput shared) {
 *     return shared.product(x, weight, y);          // y = x·Wᵀ, the unperturbed output
 * }
 * public Tensor forwardMember(MatrixProduct product, Member member) {
 *     return product.member(member);                // x·(W + E_m)ᵀ
 * }
 * }</pre>
 *
 * A module without parameters needs nothing (its forward is applied to each member's activations),
 * and a module with parameters that does not implement this interface gets a correct functional
 * fallback (its forward with its parameters bound to the member's values).
 *
 * @param <S> what the shared phase hands to the member phase
 */
public interface PopulationForward<S> extends Module {

    /**
     * The shared phase, from this module's unperturbed parameters: once for all the members that
     * see {@code input}, before any of their member phases.
     *
     * @param input  the input those members share: the population's (every member's activations
     *               are still the unperturbed model's), or one member's own activations
     * @param output {@code forward(input)}, computed by the evaluator for the unperturbed model when
     *               {@code input} is every member's; null when it is one member's own
     * @param shared what the members that see {@code input} share, and the products they can share
     */
    S share(Tensor input, Tensor output, SharedInput shared);

    /**
     * The member phase: member {@code member}'s output, from what {@link #share} returned for its
     * input. Tensors made here should come from {@link dev.gradlab.core.Workspace}.
     */
    Tensor forwardMember(S shared, Member member);

    /**
     * Lockstep: the outputs of a block of members on rows of their own, all in one call (see
     * {@link MemberRows}). By default each member goes through {@link #share} on its own rows, with
     * its rows of {@link MemberRows#base()} as the unperturbed output, and {@link #forwardMember}; a
     * module whose forward is a product and a bias overrides it with {@link MemberRows#linear} (one
     * GEMM for the block, one loop over the members), which spares each member its tensors. Either
     * way a member's output depends only on its own rows and direction.
     */
    default void forwardMembers(MemberRows members) {
        members.forwardEach();
    }
}

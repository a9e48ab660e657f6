package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import java.util.Arrays;

/**
 * The members that see one input of a module, as its shared phase ({@link PopulationForward#share})
 * sees them: every member of the population (the input is still the unperturbed model's, and the
 * shared phase runs once per evaluation), or one member (its own activations). It makes the shared
 * state of the products they all compute.
 */
public final class SharedInput {

    /** The evaluation whose every member sees the input, or null. */
    private final PopulationEvaluator.Evaluation everyMember;
    /** The member whose own input it is, or null. */
    private final Member member;
    /** The module whose shared phase is running. */
    PopulationEvaluator.Step<?> step;

    SharedInput(PopulationEvaluator.Evaluation everyMember, Member member) {
        this.everyMember = everyMember;
        this.member = member;
    }

    /**
     * The product {@code y = x·Wᵀ} of these members' input with {@code weight}, one of the module's
     * parameters, seen as the matrix {@code out × k} ({@code dim(0)} × the rest, as a convolution's
     * {@code out × in·kh·kw}): each member's {@code x·(W + E)ᵀ} follows from
     * {@link MatrixProduct#member}. What all members' products share is computed here, once (low-rank:
     * {@code x·B} of every direction, in one product).
     *
     * @param x      the input as a matrix {@code rows × k}
     * @param weight the weight, {@code out × k} as a matrix
     * @param base   {@code x·Wᵀ} plus whatever the module adds that does not depend on the member (its
     *               bias), {@code rows × out}: each member's output is then {@code base + x·Eᵀ}.
     *               Null when there is none (a member's own input), and the output is {@code x·(W + E)ᵀ}
     * @throws IllegalArgumentException when the shapes do not fit, or {@code weight} is not one of
     *     the module's parameters
     */
    public MatrixProduct product(Tensor x, Tensor weight, Tensor base) {
        int index = step.index(weight);
        int out = Perturbation.rows(weight);
        int k = Perturbation.cols(weight);
        if (x.rank() != 2 || x.dim(1) != k) {
            throw new IllegalArgumentException("the input of a product with a weight " + Arrays.toString(weight.shape())
                    + " must be [rows, " + k + "], got " + Arrays.toString(x.shape()));
        }
        if (base != null && (base.rank() != 2 || base.dim(0) != x.dim(0) || base.dim(1) != out)) {
            throw new IllegalArgumentException("the base of a product with a weight " + Arrays.toString(weight.shape())
                    + " must be [" + x.dim(0) + ", " + out + "], got " + Arrays.toString(base.shape()));
        }
        Perturbation perturbation = (member != null ? member.worker.ev : everyMember).population.perturbation();
        return perturbation.product(everyMember, index, x, weight, base);
    }
}

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
        return product(x, weight, base, false);
    }

    /**
     * {@link #product} transposed, for an input given as columns: {@code Y = W·x} with {@code x}
     * {@code k × cols} and {@code weight} {@code out × k}, each member's {@code (W + E)·x}
     * ({@code out × cols}) from {@link MatrixProduct#member}, and the base {@code out × cols}. A
     * convolution's im2col matrix with a column per output position takes this form, whose member
     * products are as wide as the batch's output positions.
     *
     * @throws IllegalArgumentException when the shapes do not fit, or {@code weight} is not one of
     *     the module's parameters
     */
    public MatrixProduct columnsProduct(Tensor x, Tensor weight, Tensor base) {
        return product(x, weight, base, true);
    }

    private MatrixProduct product(Tensor x, Tensor weight, Tensor base, boolean columns) {
        int index = step.index(weight);
        int out = Perturbation.rows(weight);
        int k = Perturbation.cols(weight);
        int depth = columns ? 0 : 1;
        if (x.rank() != 2 || x.dim(depth) != k) {
            throw new IllegalArgumentException("the input of a product with a weight " + Arrays.toString(weight.shape())
                    + " must be " + (columns ? "[" + k + ", cols]" : "[rows, " + k + "]") + ", got "
                    + Arrays.toString(x.shape()));
        }
        int[] expected = columns ? new int[] {out, x.dim(1)} : new int[] {x.dim(0), out};
        if (base != null && !Arrays.equals(base.shape(), expected)) {
            throw new IllegalArgumentException("the base of a product with a weight " + Arrays.toString(weight.shape())
                    + " must be " + Arrays.toString(expected) + ", got " + Arrays.toString(base.shape()));
        }
        Perturbation perturbation = (member != null ? member.worker.ev : everyMember).population.perturbation();
        return perturbation.product(everyMember, index, x, weight, base, columns);
    }
}

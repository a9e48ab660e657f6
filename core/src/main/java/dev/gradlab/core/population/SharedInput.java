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
     * {@link #product} transposed, for an input given as columns and an output laid out as a
     * convolution's: {@code Y = W·x} with {@code x} {@code k × cols} and {@code weight}
     * {@code out × k}, the base (the unperturbed output, bias included) of shape
     * {@code (blocks, out, ...)} holding column run {@code b} of {@code cols/blocks} of each row of
     * {@code Y} at {@code [b, o]}. Each member's output from {@link MatrixProduct#member} has the
     * base's shape and layout: {@code base + s·σ·E·x}, plus the member's perturbation of
     * {@code bias} (one value per row of {@code Y}) when it is not null. A convolution's im2col
     * matrix with a column per output position takes this form, its output (N, out, OH, OW) the base.
     *
     * @throws IllegalArgumentException when the shapes do not fit, or {@code weight} or {@code bias}
     *     is not one of the module's parameters
     */
    public MatrixProduct columnsProduct(Tensor x, Tensor weight, Tensor base, Tensor bias) {
        int out = Perturbation.rows(weight);
        int cols = x.rank() == 2 ? x.dim(1) : 0;
        if (base == null
                || base.rank() < 2
                || base.dim(1) != out
                || cols % base.dim(0) != 0
                || (long) base.size() != (long) out * cols) {
            throw new IllegalArgumentException("the base of a columns product with a weight "
                    + Arrays.toString(weight.shape()) + " and columns " + Arrays.toString(x.shape())
                    + " must be [blocks, " + out + ", ...] holding " + out + "·" + cols + " values, got "
                    + (base == null ? "none" : Arrays.toString(base.shape())));
        }
        if (bias != null) {
            step.index(bias); // throws unless it is one of the module's parameters
        }
        if (bias != null && bias.size() != out) {
            throw new IllegalArgumentException("the bias of a columns product with a weight "
                    + Arrays.toString(weight.shape()) + " must have " + out + " values, got "
                    + Arrays.toString(bias.shape()));
        }
        MatrixProduct product = product(x, weight, base, true);
        product.blocks = base.dim(0);
        product.width = cols / product.blocks;
        product.bias = bias;
        return product;
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
        if (!columns && base != null && (base.rank() != 2 || base.dim(0) != x.dim(0) || base.dim(1) != out)) {
            throw new IllegalArgumentException("the base of a product with a weight " + Arrays.toString(weight.shape())
                    + " must be [" + x.dim(0) + ", " + out + "], got " + Arrays.toString(base.shape()));
        }
        Perturbation perturbation = (member != null ? member.worker.ev : everyMember).population.perturbation();
        return perturbation.product(everyMember, index, x, weight, base, columns);
    }
}

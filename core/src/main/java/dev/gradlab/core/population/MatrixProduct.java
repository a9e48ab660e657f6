package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;

/**
 * The shared state of {@code y = x·Wᵀ} for the members that see {@code x} (made by
 * {@link SharedInput#product}): each member's {@code x·(W + s·σ·E)ᵀ} computed from it, sharing what
 * the {@link Perturbation} family allows (full-rank: {@code σ·x·Eᵀ} once for both members of a pair;
 * low-rank: {@code x·B} of every direction, one product for them all).
 */
public abstract sealed class MatrixProduct permits FullRankPerturbation.Product, LowRankPerturbation.Product {

    final Tensor x;
    final Tensor weight;
    /** The weight's index among the model's parameters. */
    final int index;
    /** {@code x·Wᵀ} plus what does not depend on the member, or null. */
    final Tensor base;

    final int rows;
    final int in;
    final int out;

    MatrixProduct(Tensor x, Tensor weight, int index, Tensor base) {
        this.x = x;
        this.weight = weight;
        this.index = index;
        this.base = base;
        this.rows = x.dim(0);
        this.in = x.dim(1);
        this.out = Perturbation.rows(weight);
    }

    /**
     * Member {@code member}'s product, {@code rows × out}, as a workspace tensor:
     * {@code base + s·σ·x·Eᵀ} when the product has a base, else {@code x·(W + s·σ·E)ᵀ}.
     */
    public abstract Tensor member(Member member);

    /** The base this product was made with, or null. */
    public Tensor base() {
        return base;
    }
}

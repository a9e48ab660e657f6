package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;

/**
 * The shared state of {@code y = x·Wᵀ} for the members that see {@code x} (made by
 * {@link SharedInput#product}): each member's {@code x·(W + s·σ·E)ᵀ} computed from it, sharing what
 * the {@link Perturbation} family allows (full-rank: {@code σ·x·Eᵀ} once for both members of a pair;
 * low-rank: {@code x·B} of every direction, one product for them all). Or, made by
 * {@link SharedInput#columnsProduct}, the same product transposed: {@code x} given as columns
 * ({@code in × rows}) and each member's {@code (W + s·σ·E)·x}, {@code out × rows}.
 */
public abstract sealed class MatrixProduct permits FullRankPerturbation.Product, LowRankPerturbation.Product {

    final Tensor x;
    final Tensor weight;
    /** The weight's index among the model's parameters. */
    final int index;
    /** {@code x·Wᵀ} plus what does not depend on the member, or null. */
    final Tensor base;

    /** Whether x, the base and the members' products are transposed: {@code in × rows}, {@code out × rows}. */
    final boolean columns;

    final int rows;
    final int in;
    final int out;

    MatrixProduct(Tensor x, Tensor weight, int index, Tensor base, boolean columns) {
        this.x = x;
        this.weight = weight;
        this.index = index;
        this.base = base;
        this.columns = columns;
        this.rows = x.dim(columns ? 1 : 0);
        this.in = x.dim(columns ? 0 : 1);
        this.out = Perturbation.rows(weight);
    }

    /**
     * Member {@code member}'s product, {@code rows × out} ({@code out × rows} for columns), as a
     * workspace tensor: {@code base + s·σ·x·Eᵀ} when the product has a base, else
     * {@code x·(W + s·σ·E)ᵀ}.
     */
    public abstract Tensor member(Member member);

    /** The base this product was made with, or null. */
    public Tensor base() {
        return base;
    }
}

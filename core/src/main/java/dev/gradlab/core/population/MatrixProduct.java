package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/**
 * The shared state of {@code y = x·Wᵀ} for the members that see {@code x} (made by
 * {@link SharedInput#product}): each member's {@code x·(W + s·σ·E)ᵀ} computed from it, sharing what
 * the {@link Perturbation} family allows (full-rank: {@code σ·x·Eᵀ} once for both members of a pair;
 * low-rank: {@code x·B} of every direction, one product for them all). Or, made by
 * {@link SharedInput#columnsProduct}, the same product transposed: {@code x} given as columns
 * ({@code in × rows}) and each member's {@code base + s·σ·E·x + s·σ·e_bias}, laid out as the base:
 * blocks of {@code out} rows, a convolution's (N, out, OH, OW).
 */
public abstract sealed class MatrixProduct permits FullRankPerturbation.Product, LowRankPerturbation.Product {

    final Tensor x;
    final Tensor weight;
    /** The weight's index among the model's parameters. */
    final int index;
    /** {@code x·Wᵀ} plus what does not depend on the member, or null. */
    final Tensor base;

    /**
     * Whether x is transposed, {@code in × rows}, its columns in {@code blocks} runs of {@code width},
     * and the base and the members' products are {@code blocks × out × width}.
     */
    final boolean columns;

    int blocks = 1;
    int width;
    /** For columns, a bias whose perturbation each member's product gets, or null. */
    Tensor bias;

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

    /**
     * For columns: each run of the output, {@code y[b, o, ·] = base[b, o, ·] + Σ_f c_f·src_f},
     * {@code src_f} being runs of {@code width} at {@code first(o) + f·stride + b·width} in
     * {@code src} and {@code c_f = coef·factors[f·out + o]} (or {@code coef} alone when factors is
     * null), then the member's bias perturbation added to it while it is in cache.
     */
    final void addColumns(
            Member member,
            float[] src,
            int first,
            int perRow,
            int terms,
            int stride,
            float[] factors,
            float coef,
            float[] y) {
        float[] db = bias == null ? null : member.perturbation(bias).data();
        float[] s = base.data();
        Kernels k = Simd.kernels();
        for (int b = 0; b < blocks; b++) {
            for (int o = 0; o < out; o++) {
                int at = (b * out + o) * width;
                int from = first + o * perRow + b * width;
                k.axpyTo(width, factors == null ? coef : coef * factors[o], src, from, s, at, y, at);
                for (int f = 1; f < terms; f++) {
                    k.axpy(width, coef * factors[f * out + o], src, from + f * stride, y, at);
                }
                if (db != null) {
                    float d = db[o];
                    for (int i = at; i < at + width; i++) {
                        y[i] += d;
                    }
                }
            }
        }
    }

    /** The base this product was made with, or null. */
    public Tensor base() {
        return base;
    }
}

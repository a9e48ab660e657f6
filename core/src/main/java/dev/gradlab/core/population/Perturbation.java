package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;

/**
 * How a direction of a {@link Population} perturbs one parameter tensor: the unit-variance matrix
 * {@code E} that the member at sign {@code s} adds as {@code s·σ·E}, built from the direction's
 * Gaussian noise, which is regenerated from seeds and never stored.
 *
 * <ul>
 *   <li>{@link #fullRank()}: {@code E} is the noise itself, one number per parameter element.
 *   <li>{@link #lowRank(int)} (EGGROLL, arXiv 2511.16652): for a matrix parameter
 *       {@code out × in}, {@code E = A·Bᵀ/√r} with Gaussian {@code A} ({@code out × r}) and
 *       {@code B} ({@code in × r}), {@code (out + in)·r} numbers instead of {@code out·in}; vectors
 *       (biases) stay full-rank. Each element of {@code E} still has unit variance, and
 *       {@code E[⟨G, E⟩ E] = G}, so ES estimates stay unbiased to first order in σ.
 * </ul>
 *
 * A tensor of rank above 2 is treated as the matrix {@code dim(0) × (the rest)}.
 */
public abstract sealed class Perturbation permits FullRankPerturbation, LowRankPerturbation {

    Perturbation() {
    }

    /** Gaussian noise with one number per element. */
    public static Perturbation fullRank() {
        return FullRankPerturbation.INSTANCE;
    }

    /** Low-rank noise {@code A·Bᵀ/√rank} for matrices, full-rank for vectors. */
    public static Perturbation lowRank(int rank) {
        return new LowRankPerturbation(rank);
    }

    /** The rank {@code r} of a low-rank perturbation's matrices; 0 for full-rank noise. */
    public abstract int rank();

    /** The number of noise floats this perturbation of {@code param} is built from. */
    public abstract int noiseLength(Tensor param);

    /**
     * {@code out[outOffset + i] += scale·E[i]} for every element {@code i} of {@code param}, where
     * {@code E} is built from {@code noise[noiseOffset ..]}.
     */
    public abstract void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset);

    /**
     * For a weight {@code out × in}: {@code y += scale · x·Eᵀ}, {@code x} being {@code rows × in} and
     * {@code y} {@code rows × out}, with {@code E} built from {@code noise[0 ..]}.
     */
    public abstract void addProduct(float[] x, int rows, int in, int out, float[] noise, float scale, float[] y);

    /**
     * For a weight {@code out × in} whose input {@code x} ({@code rows × in}) is the same for every
     * member: what all directions' products with {@code x} can share, computed once per batch
     * (low-rank: {@code x·B_d} for every direction, as one product), or null.
     */
    abstract Object prepareShared(Population population, long noiseOffset, Tensor weight, float[] x, int rows);

    /**
     * {@code ys[m] = s + signs[m]·scale·x·E_dᵀ} for each member of direction {@code d}, where
     * {@code s} is {@code x·Wᵀ (+ b)} and {@code prepared} what {@link #prepareShared} returned.
     */
    abstract void sharedProducts(Object prepared, int direction, float[] x, int rows, int in, int out, float[] noise,
                                 float scale, float[] s, float[][] ys, float[] signs, int count);

    /**
     * True when {@link #addProduct} costs about as much as multiplying by the weight itself, so that
     * a member with its own input is better served by building {@code W + s·σ·E} once.
     */
    public abstract boolean denseProduct();

    /**
     * {@code out[outOffset ..] = Σ_d weights[d]·E_d} over the population's directions, for
     * {@code param}, whose noise starts at {@code noiseOffset} in each direction's stream.
     */
    abstract void weightedSum(Population population, Tensor param, long noiseOffset, float[] weights, float[] out,
                              int outOffset);

    static int rows(Tensor param) {
        return param.rank() == 0 ? 1 : param.dim(0);
    }

    static int cols(Tensor param) {
        return param.rank() == 0 ? 1 : param.size() / Math.max(1, param.dim(0));
    }
}

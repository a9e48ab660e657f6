package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Simd;

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

    /** The depth below which {@link #productBt} runs its own loops. */
    static final int LOOP_DEPTH = 8;

    /** The length from which a lockstep row's dot products and axpys go to the kernels: a 512-bit vector. */
    static final int KERNEL_LENGTH = 16;

    Perturbation() {}

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
    abstract int noiseLength(Tensor param);

    /**
     * {@code out[outOffset + i] += scale·E[i]} for every element {@code i} of {@code param}, where
     * {@code E} is built from {@code noise[noiseOffset ..]}.
     */
    abstract void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset);

    /** {@code out[i] = scale·E[i]} for every element of {@code param}, {@code E} built from {@code noise[0 ..]}. */
    final void scaled(float[] noise, Tensor param, float scale, float[] out) {
        scaled(noise, 0, param, scale, out, 0);
    }

    /**
     * {@code out[outOffset + i] = scale·E[i]} for every element of {@code param}, {@code E} built from
     * {@code noise[noiseOffset ..]}.
     */
    final void scaled(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset) {
        if (rank() == 0 || param.rank() < 2) {
            System.arraycopy(noise, noiseOffset, out, outOffset, param.size());
            Simd.kernels().scale(param.size(), scale, out, outOffset);
        } else {
            java.util.Arrays.fill(out, outOffset, outOffset + param.size(), 0f);
            addTo(noise, noiseOffset, param, scale, out, outOffset);
        }
    }

    /**
     * The shared state of {@code x·Wᵀ} for {@code weight} (parameter {@code index} of the model):
     * for every member of {@code everyMember} when it is not null (computing what they share now),
     * else for one member's own input; transposed ({@code W·x}) with {@code columns}.
     */
    abstract MatrixProduct product(
            PopulationEvaluator.Evaluation everyMember,
            int index,
            Tensor x,
            Tensor weight,
            Tensor base,
            boolean columns);

    /**
     * Lockstep: {@code s·σ·X_m·Eᵀ} for {@code weight} (parameter {@code index} of the model) added to
     * each member's rows of {@code rows}' output, which hold the base: to the bit what {@link #product}
     * gives that member on its own rows with that base. When {@code biasIndex} is not −1, each member's
     * perturbation of that bias ({@link MemberRows#addBias}) follows its product, in the same pass over
     * the members.
     */
    abstract void addOwnProducts(MemberRows rows, int index, Tensor weight, int biasIndex);

    /**
     * {@code out[outOffset ..] = Σ_d weights[d]·E_d} over the population's directions, for
     * {@code param}, whose noise starts at {@code noiseOffset} in each direction's stream.
     */
    abstract void weightedSum(
            Population population, Tensor param, long noiseOffset, float[] weights, float[] out, int outOffset);

    /**
     * {@code c = alpha·A·Bᵀ} ({@code m × n}, A stored {@code m × k} from {@code aOffset}, B stored
     * {@code n × k} from {@code bOffset}), to the bit what {@link Blas#sgemm} gives. Below a depth of
     * {@link #LOOP_DEPTH} it is plain loops with the GEMM's rounding, which spares a member's tiny
     * products the GEMM's packing: the vector GEMM then always takes its register-tiled path (its
     * narrow path needs a depth of two vectors, at least 8), where each element is a chain of fused
     * multiply-adds of {@code a·(alpha·b)} from zero in depth order; the scalar GEMM adds the products
     * {@code (alpha·a)·b}, skipping zeros, unfused.
     */
    static void productBt(int m, int n, int k, float alpha, float[] a, int aOffset, float[] b, int bOffset, float[] c) {
        if (k >= LOOP_DEPTH) {
            Blas.sgemm(false, true, m, n, k, alpha, a, aOffset, k, b, bOffset, k, 0f, c, 0, n);
            return;
        }
        boolean fused = Simd.vectorized();
        for (int i = 0; i < m; i++) {
            int ai = aOffset + i * k;
            for (int j = 0; j < n; j++) {
                int bj = bOffset + j * k;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    if (fused) {
                        s = Math.fma(a[ai + p], alpha * b[bj + p], s);
                    } else {
                        float x = alpha * a[ai + p];
                        if (x != 0f) {
                            s += x * b[bj + p];
                        }
                    }
                }
                c[i * n + j] = s;
            }
        }
    }

    /**
     * {@code x·y} over {@code n} elements: the kernel's from {@link #KERNEL_LENGTH} on; below, where the
     * kernel would spend more on adding up its lanes than on the products, four partial sums.
     */
    static float rowDot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        if (n >= KERNEL_LENGTH) {
            return Simd.kernels().dot(x, xOffset, y, yOffset, n);
        }
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int p = 0;
        for (; p + 4 <= n; p += 4) {
            s0 += x[xOffset + p] * y[yOffset + p];
            s1 += x[xOffset + p + 1] * y[yOffset + p + 1];
            s2 += x[xOffset + p + 2] * y[yOffset + p + 2];
            s3 += x[xOffset + p + 3] * y[yOffset + p + 3];
        }
        for (; p < n; p++) {
            s0 += x[xOffset + p] * y[yOffset + p];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code z = y + a·x} over {@code n} elements: the kernel's from {@link #KERNEL_LENGTH} on, a plain loop below. */
    static void rowAxpy(int n, float a, float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset) {
        if (n >= KERNEL_LENGTH) {
            Simd.kernels().axpyTo(n, a, x, xOffset, y, yOffset, z, zOffset);
            return;
        }
        for (int j = 0; j < n; j++) {
            z[zOffset + j] = y[yOffset + j] + a * x[xOffset + j];
        }
    }

    static int rows(Tensor param) {
        return param.rank() == 0 ? 1 : param.dim(0);
    }

    static int cols(Tensor param) {
        return param.rank() == 0 ? 1 : param.size() / Math.max(1, param.dim(0));
    }
}

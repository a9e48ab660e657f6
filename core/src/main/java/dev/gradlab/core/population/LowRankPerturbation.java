package dev.gradlab.core.population;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;
import dev.gradlab.simd.Parallel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code E = A·Bᵀ/√r} for matrices. A direction's noise for an {@code out × in} matrix is
 * {@code Aᵀ} ({@code r × out}, row-major) followed by {@code Bᵀ} ({@code r × in}), so that each
 * factor's columns are contiguous; vectors take their noise full-rank.
 */
final class LowRankPerturbation extends Perturbation {

    private final int rank;
    private final float norm;

    LowRankPerturbation(int rank) {
        if (rank < 1) {
            throw new InvalidSettingException("rank", "must be >= 1, got " + rank + " (low-rank perturbations need rank >= 1)");
        }
        this.rank = rank;
        this.norm = (float) (1 / Math.sqrt(rank));
    }

    @Override
    public int rank() {
        return rank;
    }

    private static boolean matrix(Tensor param) {
        return param.rank() >= 2;
    }

    @Override
    public int noiseLength(Tensor param) {
        if (!matrix(param)) {
            return param.size();
        }
        long n = (long) rank * (rows(param) + cols(param));
        return Math.toIntExact(Math.min(n, Integer.MAX_VALUE));
    }

    @Override
    public void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset) {
        if (!matrix(param)) {
            FullRankPerturbation.INSTANCE.addTo(noise, noiseOffset, param, scale, out, outOffset);
            return;
        }
        int m = rows(param);
        int n = cols(param);
        // out += scale/√r · A Bᵀ = scale/√r · (Aᵀ)ᵀ (Bᵀ)
        Blas.sgemm(true, false, m, n, rank, scale * norm, noise, noiseOffset, m, noise, noiseOffset + rank * m, n,
                1f, out, outOffset, n);
    }

    @Override
    public void addProduct(float[] x, int rows, int in, int out, float[] noise, float scale, float[] y) {
        // y += scale/√r · (x B) Aᵀ: rows·r·(in + out) multiply-adds instead of rows·in·out.
        float[] xb = Workspace.uninitialized(rows, rank).data();
        Blas.sgemm(false, true, rows, rank, in, 1f, x, 0, in, noise, rank * out, in, 0f, xb, 0, rank);
        addOuter(rows, out, xb, 0, rank, noise, scale * norm, y, y);
    }

    /**
     * {@code z_i = y_i + coef · Σ_k xb[i, k]·A_k} for every row {@code i}, {@code A_k} being row
     * {@code k} of {@code Aᵀ} (the start of {@code noise}): the rank-r update, r axpys per row.
     */
    private void addOuter(int rows, int out, float[] xb, int xbOffset, int ldxb, float[] noise, float coef, float[] y,
                          float[] z) {
        Kernels k = Simd.kernels();
        for (int i = 0; i < rows; i++) {
            int row = i * out;
            int at = xbOffset + i * ldxb;
            k.axpyTo(out, coef * xb[at], noise, 0, y, row, z, row);
            for (int f = 1; f < rank; f++) {
                k.axpy(out, coef * xb[at + f], noise, f * out, z, row);
            }
        }
    }

    /** {@code x·B_d} for every direction: {@code rows × (D·r)}, from one product with the stacked {@code B_dᵀ}. */
    @Override
    Object prepareShared(Population population, long noiseOffset, Tensor weight, float[] x, int rows) {
        int m = rows(weight);
        int n = cols(weight);
        int directions = population.directions();
        int k = directions * rank;
        float[] bt = Workspace.uninitialized(k, n).data();
        AtomicInteger next = new AtomicInteger();
        Parallel.forEach(Math.min(Parallel.threads(), directions), w -> {
            for (int d; (d = next.getAndIncrement()) < directions; ) {
                population.noise(d, noiseOffset + (long) rank * m, bt, d * rank * n, rank * n);
            }
        });
        float[] xb = Workspace.uninitialized(rows, k).data();
        Blas.sgemm(false, true, rows, k, n, 1f, x, 0, n, bt, 0, n, 0f, xb, 0, k);
        return xb;
    }

    @Override
    void sharedProducts(Object prepared, int direction, float[] x, int rows, int in, int out, float[] noise,
                        float scale, float[] s, float[][] ys, float[] signs, int count) {
        float[] xb;
        int offset;
        int ld;
        if (prepared != null) {
            xb = (float[]) prepared;
            ld = xb.length / rows;
            offset = direction * rank;
        } else {
            xb = Workspace.uninitialized(rows, rank).data();
            Blas.sgemm(false, true, rows, rank, in, 1f, x, 0, in, noise, rank * out, in, 0f, xb, 0, rank);
            ld = rank;
            offset = 0;
        }
        for (int m = 0; m < count; m++) {
            addOuter(rows, out, xb, offset, ld, noise, signs[m] * scale * norm, s, ys[m]);
        }
    }

    @Override
    public boolean denseProduct() {
        return false;
    }

    /**
     * {@code Σ_d w_d A_d B_dᵀ/√r} as one product of the stacked factors: {@code [w_d A_dᵀ]} and
     * {@code [B_dᵀ]} are {@code (D·r) × out} and {@code (D·r) × in}, and the sum is their
     * {@code (w A)ᵀ B} over {@code K = D·r}.
     */
    @Override
    void weightedSum(Population population, Tensor param, long noiseOffset, float[] weights, float[] out,
                     int outOffset) {
        if (!matrix(param)) {
            FullRankPerturbation.INSTANCE.weightedSum(population, param, noiseOffset, weights, out, outOffset);
            return;
        }
        int m = rows(param);
        int n = cols(param);
        int directions = population.directions();
        int k = directions * rank;
        float[] a = Workspace.uninitialized(k, m).data();
        float[] b = Workspace.uninitialized(k, n).data();
        AtomicInteger next = new AtomicInteger();
        Parallel.forEach(Math.min(Parallel.threads(), directions), w -> {
            for (int d; (d = next.getAndIncrement()) < directions; ) {
                population.noise(d, noiseOffset, a, d * rank * m, rank * m);
                population.noise(d, noiseOffset + (long) rank * m, b, d * rank * n, rank * n);
                float wd = weights[d];
                for (int i = d * rank * m, end = i + rank * m; i < end; i++) {
                    a[i] *= wd;
                }
            }
        });
        Blas.sgemm(true, false, m, n, k, norm, a, 0, m, b, 0, n, 0f, out, outOffset, n);
    }

    @Override
    public String toString() {
        return "low-rank(r=" + rank + ")";
    }
}

package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code E} = the noise, element by element. */
final class FullRankPerturbation extends Perturbation {

    static final FullRankPerturbation INSTANCE = new FullRankPerturbation();

    /** Slice length of the weighted sum: fixed, so its rounding never depends on the thread count. */
    static final int CHUNK = 4096;

    private FullRankPerturbation() {
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int noiseLength(Tensor param) {
        return param.size();
    }

    @Override
    public void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset) {
        Simd.kernels().axpy(param.size(), scale, noise, noiseOffset, out, outOffset);
    }

    @Override
    public void addProduct(float[] x, int rows, int in, int out, float[] noise, float scale, float[] y) {
        Blas.sgemm(false, true, rows, out, in, scale, x, 0, in, noise, 0, in, 1f, y, 0, out);
    }

    @Override
    Object prepareShared(Population population, long noiseOffset, Tensor weight, float[] x, int rows) {
        return null;
    }

    /** {@code P = scale·x·Eᵀ}, one GEMM for the direction, then {@code s ± P}. */
    @Override
    void sharedProducts(Object prepared, int direction, float[] x, int rows, int in, int out, float[] noise,
                        float scale, float[] s, float[][] ys, float[] signs, int count) {
        float[] p = Workspace.uninitialized(rows, out).data();
        Blas.sgemm(false, true, rows, out, in, scale, x, 0, in, noise, 0, in, 0f, p, 0, out);
        for (int m = 0; m < count; m++) {
            Simd.kernels().axpyTo(rows * out, signs[m], p, 0, s, 0, ys[m], 0);
        }
    }

    @Override
    public boolean denseProduct() {
        return true;
    }

    /** Slices of {@code CHUNK} elements in parallel, each summed over the directions in index order. */
    @Override
    void weightedSum(Population population, Tensor param, long noiseOffset, float[] weights, float[] out,
                     int outOffset) {
        int n = param.size();
        int chunks = (n + CHUNK - 1) / CHUNK;
        int workers = Math.max(1, Math.min(Parallel.threads(), chunks));
        AtomicInteger next = new AtomicInteger();
        Parallel.forEach(workers, w -> {
            float[] e = new float[Math.min(CHUNK, n)];
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * CHUNK;
                int len = Math.min(CHUNK, n - from);
                Arrays.fill(out, outOffset + from, outOffset + from + len, 0f);
                for (int d = 0; d < population.directions(); d++) {
                    if (weights[d] != 0f) {
                        population.noise(d, noiseOffset + from, e, 0, len);
                        Simd.kernels().axpy(len, weights[d], e, 0, out, outOffset + from);
                    }
                }
            }
        });
    }

    @Override
    public String toString() {
        return "full-rank";
    }
}

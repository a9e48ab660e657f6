package dev.gradlab.optim;

import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The perturbation directions of evolution strategies, never stored: direction {@code i} of step
 * {@code t} is the standard normal vector of the counter-based stream {@code (seed, stream(t, i))},
 * so any slice of it can be regenerated, on any thread, with the same values.
 */
final class Noise {

    /** Slice length of the weighted sum: fixed, so its rounding never depends on the thread count. */
    static final int CHUNK = 4096;

    private final long seed;
    private float[][] buffers = new float[0][];

    Noise(long seed) {
        this.seed = seed;
    }

    /** The stream of direction {@code direction} at training step {@code step}. */
    static long stream(long step, int direction) {
        return step * 0x1_0000_0000L + direction;
    }

    /** Elements {@code [from, from + n)} of direction {@code direction} of step {@code step}. */
    void fill(long step, int direction, long from, float[] out, int offset, int n) {
        Simd.kernels().gaussian(seed, stream(step, direction), from, out, offset, n);
    }

    /**
     * {@code out[j] = Σ_i weights[i] · e_i[j]} for {@code j < n}, the directions regenerated slice by
     * slice. Slices are summed in parallel, each over the directions in index order.
     */
    void weightedSum(long step, float[] weights, int directions, float[] out, int n) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        int workers = Math.max(1, Math.min(Parallel.threads(), chunks));
        float[][] buf = buffers(workers);
        AtomicInteger next = new AtomicInteger();
        Kernels k = Simd.kernels();
        Parallel.forEach(workers, w -> {
            float[] e = buf[w];
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * CHUNK;
                int len = Math.min(CHUNK, n - from);
                java.util.Arrays.fill(out, from, from + len, 0f);
                for (int i = 0; i < directions; i++) {
                    if (weights[i] != 0f) {
                        fill(step, i, from, e, 0, len);
                        k.axpy(len, weights[i], e, 0, out, from);
                    }
                }
            }
        });
    }

    private float[][] buffers(int workers) {
        if (buffers.length < workers) {
            float[][] grown = java.util.Arrays.copyOf(buffers, workers);
            for (int w = buffers.length; w < workers; w++) {
                grown[w] = new float[CHUNK];
            }
            buffers = grown;
        }
        return buffers;
    }
}

package dev.gradlab.optim;

import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Perturbed losses of an {@link Mlp} computed straight on the simd kernels, for evolution
 * strategies. The unperturbed first-layer product {@code S = X W1ᵀ + b1} is computed once per
 * batch and shared by every member: member {@code w + s·σ·e} needs only {@code P = σ X E1ᵀ} and
 * {@code S + s·P}, so an antithetic pair costs one first-layer product instead of two. Later layers
 * see inputs that differ per member and are multiplied by the perturbed weights directly. Each
 * worker thread owns a workspace allocated once per batch size.
 */
final class MlpEvaluator {

    /** Fixed number of direction groups summed separately when the gradient is summed on the fly. */
    static final int GROUPS = 8;
    /** Floats of the first layer's output assembled at a time for a pair: stays in L1/L2. */
    private static final int BLOCK = 8192;

    private final Mlp mlp;
    private float[][] partials = new float[0][];
    private int rows = -1;
    private float[] shared;
    private Workspace[] spaces = new Workspace[0];

    MlpEvaluator(Mlp mlp) {
        this.mlp = mlp;
    }

    /**
     * Per-thread buffers: the noise vector, σ X E1ᵀ and the mirrored member's first layer (pairs),
     * each layer's output, perturbed weights and biases.
     */
    private static final class Workspace {
        final float[] noise;
        final float[] product;
        final float[] mirror;
        final float[][] z;
        final float[] weight;
        final float[] bias;
        final float[] biasUp;
        final float[] biasDown;

        Workspace(Mlp mlp, int rows) {
            noise = new float[mlp.parameterCount];
            product = new float[rows * mlp.layers[0].out()];
            mirror = new float[rows * mlp.layers[0].out()];
            biasUp = new float[mlp.layers[0].out()];
            biasDown = new float[mlp.layers[0].out()];
            z = new float[mlp.layers.length][];
            int maxWeight = 0;
            int maxOut = 0;
            for (int l = 0; l < mlp.layers.length; l++) {
                Mlp.Layer layer = mlp.layers[l];
                z[l] = new float[rows * layer.out()];
                if (l > 0) {
                    maxWeight = Math.max(maxWeight, layer.in() * layer.out());
                }
                maxOut = Math.max(maxOut, layer.out());
            }
            weight = new float[maxWeight];
            bias = new float[maxOut];
        }
    }

    /**
     * Fills {@code losses} with the mean cross-entropy at {@code w + σ e_i} for each direction
     * {@code i} (vanilla), or at {@code w + σ e_i} and {@code w − σ e_i} in slots {@code 2i} and
     * {@code 2i + 1} (antithetic), and returns the loss at {@code w}.
     *
     * <p>When {@code gradient} is not null, the weight of each direction is known as soon as its
     * losses are ({@code scale·L_i}, or {@code scale·(L_i⁺ − L_i⁻)/2}), and the weighted noise is
     * summed into {@code gradient} while the noise is still at hand, instead of regenerating it
     * afterwards. Directions are then split into {@link #GROUPS} fixed groups ({@code i mod GROUPS}),
     * each summed in index order by whichever thread takes it, and the group sums are added in group
     * order: the same bits for any thread count.
     */
    float evaluate(float[] x, int rows, int[] labels, Noise noise, long step, int directions,
                   float sigma, boolean antithetic, float[] losses, float[] gradient, float scale) {
        Mlp.Layer first = mlp.layers[0];
        int groups = Math.min(GROUPS, directions);
        int tasks = gradient == null ? directions : groups;
        int workers = Math.max(1, Math.min(Parallel.threads(), tasks));
        prepare(rows, workers);
        if (gradient != null && partials.length < groups) {
            partials = new float[groups][mlp.parameterCount];
        }
        Blas.sgemm(false, true, rows, first.out(), first.in(), 1f, x, 0, first.in(),
                first.weight(), 0, first.in(), 0f, shared, 0, first.out());
        if (first.bias() != null) {
            Simd.kernels().addRowVector(first.bias(), 0, shared, 0, rows, first.out());
        }
        float[] h = spaces[0].z[0];
        System.arraycopy(shared, 0, h, 0, rows * first.out());
        first.activation().apply(Simd.kernels(), h, 0, rows * first.out());
        float loss = rest(spaces[0], h, rows, labels, 0f, sigma);
        AtomicInteger next = new AtomicInteger();
        // Each worker has its own workspace; the GEMMs a worker calls run on its own thread, since
        // Parallel runs calls made from inside a task inline.
        Parallel.forEach(workers, slot -> {
            Workspace ws = spaces[slot];
            for (int task; (task = next.getAndIncrement()) < tasks; ) {
                float[] partial = gradient == null ? null : partials[task];
                if (partial != null) {
                    java.util.Arrays.fill(partial, 0f);
                }
                int stride = gradient == null ? directions : groups;
                for (int i = task; i < directions; i += stride) {
                    float weight = member(ws, x, rows, labels, noise, step, i, sigma, antithetic, losses);
                    if (partial != null) {
                        Simd.kernels().axpy(mlp.parameterCount, weight * scale, ws.noise, 0, partial, 0);
                    }
                }
            }
        });
        if (gradient != null) {
            sumGroups(groups, gradient);
        }
        return loss;
    }

    /** Evaluates direction {@code i}; returns its unscaled weight, {@code L_i} or {@code (L_i⁺ − L_i⁻)/2}. */
    private float member(Workspace ws, float[] x, int rows, int[] labels, Noise noise, long step, int i,
                         float sigma, boolean antithetic, float[] losses) {
        Mlp.Layer first = mlp.layers[0];
        Kernels k = Simd.kernels();
        int width = first.out();
        float[] z = ws.z[0];
        noise.fill(step, i, 0, ws.noise, 0, mlp.parameterCount);
        if (first.bias() != null) {
            System.arraycopy(ws.noise, first.biasOffset(), ws.biasUp, 0, width);
            k.scale(width, sigma, ws.biasUp, 0);
            System.arraycopy(ws.noise, first.biasOffset(), ws.biasDown, 0, width);
            k.scale(width, -sigma, ws.biasDown, 0);
        }
        if (!antithetic) {
            // One member: the GEMM accumulates σ X E1ᵀ straight onto a copy of S.
            System.arraycopy(shared, 0, z, 0, rows * width);
            Blas.sgemm(false, true, rows, width, first.in(), sigma, x, 0, first.in(),
                    ws.noise, first.weightOffset(), first.in(), 1f, z, 0, width);
            if (first.bias() != null) {
                k.addRowVector(ws.biasUp, 0, z, 0, rows, width);
            }
            first.activation().apply(k, z, 0, rows * width);
            return losses[i] = rest(ws, z, rows, labels, 1f, sigma);
        }
        Blas.sgemm(false, true, rows, width, first.in(), sigma, x, 0, first.in(),
                ws.noise, first.weightOffset(), first.in(), 0f, ws.product, 0, width);
        // S + P and S − P, block by block of rows so that S and P are read from memory once.
        int blockRows = Math.max(1, BLOCK / width);
        for (int r = 0; r < rows; r += blockRows) {
            int count = Math.min(blockRows, rows - r);
            int off = r * width;
            int len = count * width;
            k.add(shared, off, ws.product, off, z, off, len);
            System.arraycopy(shared, off, ws.mirror, off, len);
            k.axpy(len, -1f, ws.product, off, ws.mirror, off);
            if (first.bias() != null) {
                k.addRowVector(ws.biasUp, 0, z, off, count, width);
                k.addRowVector(ws.biasDown, 0, ws.mirror, off, count, width);
            }
            first.activation().apply(k, z, off, len);
            first.activation().apply(k, ws.mirror, off, len);
        }
        float up = rest(ws, z, rows, labels, 1f, sigma);
        float down = rest(ws, ws.mirror, rows, labels, -1f, sigma);
        losses[2 * i] = up;
        losses[2 * i + 1] = down;
        return (up - down) * 0.5f;
    }

    /** {@code gradient = Σ_g partials[g]} in group order, over fixed slices in parallel. */
    private void sumGroups(int groups, float[] gradient) {
        int n = mlp.parameterCount;
        int slices = (n + Noise.CHUNK - 1) / Noise.CHUNK;
        int threads = Math.max(1, Math.min(Parallel.threads(), slices));
        Parallel.forEach(threads, w -> {
            for (int c = w; c < slices; c += threads) {
                int from = c * Noise.CHUNK;
                int len = Math.min(Noise.CHUNK, n - from);
                System.arraycopy(partials[0], from, gradient, from, len);
                for (int g = 1; g < groups; g++) {
                    Simd.kernels().axpy(len, 1f, partials[g], from, gradient, from);
                }
            }
        });
    }

    private void prepare(int rows, int workers) {
        if (rows != this.rows) {
            this.rows = rows;
            shared = new float[rows * mlp.layers[0].out()];
            spaces = new Workspace[0];
        }
        if (spaces.length < workers) {
            Workspace[] grown = java.util.Arrays.copyOf(spaces, workers);
            for (int w = spaces.length; w < workers; w++) {
                grown[w] = new Workspace(mlp, rows);
            }
            spaces = grown;
        }
    }

    /**
     * The loss at {@code w + sign·σ·e} (sign 0: the unperturbed model) from {@code h}, the first
     * layer's activated output for that member; {@code e} is in {@code ws.noise}.
     */
    private float rest(Workspace ws, float[] h, int rows, int[] labels, float sign, float sigma) {
        Kernels k = Simd.kernels();
        Mlp.Layer[] layers = mlp.layers;
        float[] z = h;
        for (int l = 1; l < layers.length; l++) {
            Mlp.Layer layer = layers[l];
            float[] weight = layer.weight();
            float[] bias = layer.bias();
            if (sign != 0f) {
                int size = layer.in() * layer.out();
                System.arraycopy(weight, 0, ws.weight, 0, size);
                k.axpy(size, sign * sigma, ws.noise, layer.weightOffset(), ws.weight, 0);
                weight = ws.weight;
                if (bias != null) {
                    System.arraycopy(bias, 0, ws.bias, 0, layer.out());
                    k.axpy(layer.out(), sign * sigma, ws.noise, layer.biasOffset(), ws.bias, 0);
                    bias = ws.bias;
                }
            }
            float[] out = ws.z[l];
            Blas.sgemm(false, true, rows, layer.out(), layer.in(), 1f, z, 0, layer.in(),
                    weight, 0, layer.in(), 0f, out, 0, layer.out());
            if (bias != null) {
                k.addRowVector(bias, 0, out, 0, rows, layer.out());
            }
            layer.activation().apply(k, out, 0, rows * layer.out());
            z = out;
        }
        return k.softmaxCrossEntropy(z, 0, rows, mlp.outputs(), labels, 0, null, 0);
    }
}

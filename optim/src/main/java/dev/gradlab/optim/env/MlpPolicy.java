package dev.gradlab.optim.env;

import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron over a flat parameter vector, for policies searched by
 * {@link dev.gradlab.optim.search.SearchStrategy}: layer {@code l} is {@code y = x·W_lᵀ + b_l}
 * ({@code W_l} stored {@code out × in} as {@code Linear} stores it, then {@code b_l}), tanh between
 * layers. A discrete policy acts by the argmax of its outputs, a continuous one by {@code tanh} of
 * each output. Stateless: any number of threads may run it on their own buffers.
 */
public final class MlpPolicy {

    private final int[] sizes;
    private final boolean discrete;
    private final int parameters;
    private final int widest;

    /** {@code sizes}: the observation size, the hidden widths, the output count. */
    public MlpPolicy(boolean discrete, int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("sizes must name at least inputs and outputs, got " + sizes.length);
        }
        int count = 0;
        int wide = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            count += sizes[l + 1] * sizes[l] + sizes[l + 1];
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("every size must be >= 1, got " + java.util.Arrays.toString(sizes));
            }
            wide = Math.max(wide, s);
        }
        this.sizes = sizes.clone();
        this.discrete = discrete;
        this.parameters = count;
        this.widest = wide;
    }

    /** The length of the flat parameter vector. */
    public int parameterCount() {
        return parameters;
    }

    public int inputs() {
        return sizes[0];
    }

    /** Actions per observation: 1 for a discrete policy (the index), else the outputs. */
    public int actionSize() {
        return discrete ? 1 : sizes[sizes.length - 1];
    }

    /** PyTorch's {@code nn.Linear} initialisation, {@code U(−1/√in, 1/√in)} for weights and biases. */
    public float[] initialParameters(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = new float[parameters];
        int at = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            double bound = 1 / Math.sqrt(sizes[l]);
            int n = sizes[l + 1] * sizes[l] + sizes[l + 1];
            for (int i = 0; i < n; i++) {
                p[at++] = (float) random.nextDouble(-bound, bound);
            }
        }
        return p;
    }

    /** Two buffers of {@code rows} × the widest layer, for {@link #act}. */
    public float[][] scratch(int rows) {
        return new float[][] {new float[rows * widest], new float[rows * widest]};
    }

    /**
     * The actions for the first {@code rows} observation rows of {@code observations}, into the same
     * rows of {@code actions}: each layer one GEMM over the rows, its tanh one vectorized pass.
     */
    public void act(float[] params, float[] observations, int rows, float[] actions, float[][] scratch) {
        Kernels k = Simd.kernels();
        float[] in = observations;
        float[] out = scratch[0];
        int at = 0;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int n = sizes[l];
            int m = sizes[l + 1];
            int bias = at + m * n;
            Blas.sgemm(false, true, rows, m, n, 1f, in, 0, n, params, at, n, 0f, out, 0, m);
            k.addRowVector(params, bias, out, 0, rows, m);
            if (l + 1 < layers || !discrete) {
                k.tanh(out, 0, out, 0, rows * m);
            }
            at = bias + m;
            in = out;
            out = out == scratch[0] ? scratch[1] : scratch[0];
        }
        int outputs = sizes[layers];
        if (discrete) {
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int j = 1; j < outputs; j++) {
                    if (in[r * outputs + j] > in[r * outputs + best]) {
                        best = j;
                    }
                }
                actions[r] = best;
            }
        } else {
            System.arraycopy(in, 0, actions, 0, rows * outputs);
        }
    }
}

package dev.gradlab.optim.env;

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

    /** Two buffers of the widest layer, for {@link #act}. */
    public float[][] scratch() {
        return new float[][] {new float[widest], new float[widest]};
    }

    /** The action for observation row {@code row} of {@code observations}, into {@code actions}. */
    public void act(float[] params, float[] observations, int row, float[] actions, int actionRow, float[][] scratch) {
        float[] in = scratch[0];
        float[] out = scratch[1];
        System.arraycopy(observations, row * sizes[0], in, 0, sizes[0]);
        int at = 0;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int n = sizes[l];
            int m = sizes[l + 1];
            int bias = at + m * n;
            for (int j = 0; j < m; j++) {
                float s = params[bias + j];
                int w = at + j * n;
                for (int i = 0; i < n; i++) {
                    s += params[w + i] * in[i];
                }
                out[j] = l + 1 < layers ? (float) Math.tanh(s) : s;
            }
            at = bias + m;
            float[] t = in;
            in = out;
            out = t;
        }
        int outputs = sizes[layers];
        if (discrete) {
            int best = 0;
            for (int j = 1; j < outputs; j++) {
                if (in[j] > in[best]) {
                    best = j;
                }
            }
            actions[actionRow] = best;
        } else {
            for (int j = 0; j < outputs; j++) {
                actions[actionRow * outputs + j] = (float) Math.tanh(in[j]);
            }
        }
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected layer, {@code y = x Wᵀ + b}, with PyTorch's layout and default initialisation:
 * the weight is {@code out × in}, and weight and bias are drawn from
 * {@code U(-1/sqrt(in), 1/sqrt(in))}, reproducibly from a seed. Built only from public tensor ops
 * (one transposed matmul and a bias add), so its backward is theirs.
 */
public final class Linear implements Module {

    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * @param in    input features, at least 1
     * @param out   output features, at least 1
     * @param bias  whether to add a learned bias
     * @param seed  seeds the initial weight (and bias, from a second stream)
     */
    public Linear(int in, int out, boolean bias, long seed) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear needs in >= 1 and out >= 1, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = Tensor.uniform(seed, -bound, bound, out, in).requiresGrad(true);
        // A distinct, deterministic stream for the bias (golden-ratio increment, as SplittableRandom uses).
        this.bias = bias ? Tensor.uniform(seed + 0x9E3779B97F4A7C15L, -bound, bound, out).requiresGrad(true) : null;
    }

    /** A layer with a bias, seeded with 0. */
    public Linear(int in, int out) {
        this(in, out, true, 0L);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ") needs input of shape [batch, " + in
                    + "], got " + Arrays.toString(x.shape()));
        }
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }

    @Override
    public List<Tensor> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** The weight, {@code out × in}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or null for a layer without one. */
    public Tensor bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    @Override
    public String toString() {
        return "Linear(" + in + ", " + out + (bias == null ? ", bias=false" : "") + ")";
    }
}

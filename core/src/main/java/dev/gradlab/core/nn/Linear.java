package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.population.Members;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected layer, {@code y = x Wᵀ + b}, with PyTorch's layout and default initialisation:
 * the weight is {@code out × in}, and weight and bias are drawn from
 * {@code U(-1/sqrt(in), 1/sqrt(in))}, with the same numbers as PyTorch for the same seed (see
 * {@link TorchGenerator}). Built only from public tensor ops (one transposed matmul and a bias add),
 * so its backward is theirs.
 */
public final class Linear implements Module {

    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * The layer {@code torch.manual_seed(seed); nn.Linear(in, out, bias=bias)} makes, to the bit.
     *
     * @param in    input features, at least 1
     * @param out   output features, at least 1
     * @param bias  whether to add a learned bias
     * @param seed  seeds a fresh {@link TorchGenerator} for the weight, then the bias
     */
    public Linear(int in, int out, boolean bias, long seed) {
        this(in, out, bias, new TorchGenerator(seed));
    }

    /**
     * A layer whose weight (row-major), then bias, are drawn from {@code generator}, as
     * {@code nn.Linear(in, out, bias=bias)} draws them from PyTorch's global generator; layers built
     * one after another from one generator match a PyTorch model built after one {@code manual_seed}.
     *
     * @param in        input features, at least 1
     * @param out       output features, at least 1
     * @param bias      whether to add a learned bias
     * @param generator the generator to draw from, advanced by {@code out × in (+ out)} draws
     */
    public Linear(int in, int out, boolean bias, TorchGenerator generator) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear needs in >= 1 and out >= 1, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        // kaiming_uniform_(a=√5) as PyTorch computes its bound, in double: √3 · √(2 / (1 + a²)) / √in.
        double a = Math.sqrt(5);
        float weightBound = (float) (Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + a * a)) / Math.sqrt(in)));
        this.weight = Tensor.uniform(generator, -weightBound, weightBound, out, in).requiresGrad(true);
        float biasBound = (float) (1 / Math.sqrt(in));
        this.bias = bias ? Tensor.uniform(generator, -biasBound, biasBound, out).requiresGrad(true) : null;
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

    /**
     * The population path. With shared input {@code X} (the first layer) the unperturbed
     * {@code S = X·Wᵀ + b} is computed once per batch, and a direction costs only its perturbation's
     * product {@code P = σ·X·Eᵀ} (one GEMM full-rank; {@code σ·(X·B)·Aᵀ/√r} low-rank), shared by
     * both members of a pair: member {@code s} gets {@code S + s·P + s·σ·e_b}. A member with its own
     * input {@code H} gets {@code H·(W + sσE)ᵀ}: with the perturbed weight built once (full-rank), or
     * as {@code H·Wᵀ + s·σ·(H·B)·Aᵀ/√r} (low-rank).
     */
    @Override
    public void forwardMembers(Members members) {
        if (members.isCenter()) {
            members.prepareSharedProducts(weight);
            members.forwardUnperturbed(this);
            return;
        }
        Kernels k = Simd.kernels();
        float sigma = members.sigma();
        Perturbation perturbation = members.perturbation();
        float[] weightNoise = members.noise(weight);
        float[] biasNoise = bias == null ? null : members.noise(bias);
        if (members.isShared()) {
            Tensor[] ys = members.sharedProducts(weight, out);
            for (int m = 0; m < members.count(); m++) {
                addBiasNoise(k, biasNoise, members.sign(m) * sigma, ys[m].data(), ys[m].dim(0));
            }
            members.advance();
            return;
        }
        for (int m = 0; m < members.count(); m++) {
            float scale = members.sign(m) * sigma;
            Tensor h = members.input(m);
            if (h.rank() != 2 || h.dim(1) != in) {
                throw new IllegalArgumentException("Linear(" + in + ", " + out + ") needs input of shape [batch, " + in
                        + "], got " + Arrays.toString(h.shape()));
            }
            int rows = h.dim(0);
            Tensor y = Workspace.uninitialized(rows, out);
            float[] w = weight.data();
            if (perturbation.denseProduct()) {
                Tensor perturbed = Workspace.uninitialized(out, in);
                System.arraycopy(w, 0, perturbed.data(), 0, w.length);
                perturbation.addTo(weightNoise, 0, weight, scale, perturbed.data(), 0);
                w = perturbed.data();
            }
            Blas.sgemm(false, true, rows, out, in, 1f, h.data(), 0, in, w, 0, in, 0f, y.data(), 0, out);
            if (!perturbation.denseProduct()) {
                perturbation.addProduct(h.data(), rows, in, out, weightNoise, scale, y.data());
            }
            if (bias != null) {
                k.addRowVector(bias.data(), 0, y.data(), 0, rows, out);
                addBiasNoise(k, biasNoise, scale, y.data(), rows);
            }
            members.setOutput(m, y);
        }
        members.advance();
    }

    /** {@code y[r] += scale·e_b} for every row: the bias's perturbation. */
    private void addBiasNoise(Kernels k, float[] biasNoise, float scale, float[] y, int rows) {
        if (biasNoise == null) {
            return;
        }
        Tensor scaled = Workspace.uninitialized(out);
        System.arraycopy(biasNoise, 0, scaled.data(), 0, out);
        k.scale(out, scale, scaled.data(), 0);
        k.addRowVector(scaled.data(), 0, y, 0, rows, out);
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

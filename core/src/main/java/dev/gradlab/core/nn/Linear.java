package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.population.MatrixProduct;
import dev.gradlab.core.population.Member;
import dev.gradlab.core.population.MemberRows;
import dev.gradlab.core.population.PopulationForward;
import dev.gradlab.core.population.SharedInput;
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
public final class Linear implements PopulationForward<MatrixProduct> {

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
        this.weight =
                Tensor.uniform(generator, -weightBound, weightBound, out, in).requiresGrad(true);
        float biasBound = (float) (1 / Math.sqrt(in));
        this.bias = bias ? Tensor.uniform(generator, -biasBound, biasBound, out).requiresGrad(true) : null;
    }

    /** A layer with a bias, seeded with 0. */
    public Linear(int in, int out) {
        this(in, out, true, 0L);
    }

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }

    private void checkInput(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ") needs input of shape [batch, " + in
                    + "], got " + Arrays.toString(x.shape()));
        }
    }

    /**
     * The shared phase: with the input every member sees, {@code S = X·Wᵀ + b} is the unperturbed
     * output, and a direction costs only its perturbation's product (one GEMM full-rank, shared by
     * both members of a pair; {@code σ·(X·B)·Aᵀ/√r} low-rank, {@code X·B} of every direction being
     * one GEMM made here). See {@link MatrixProduct}.
     */
    @Override
    public MatrixProduct share(Tensor x, Tensor y, SharedInput shared) {
        checkInput(x);
        return shared.product(x, weight, y);
    }

    /**
     * The member phase: {@code S + s·σ·X·Eᵀ + s·σ·e_b} on the shared input; on a member's own input
     * {@code H}, {@code H·(W + sσE)ᵀ} (the perturbed weight built once, full-rank) or
     * {@code H·Wᵀ + sσ·(H·B)·Aᵀ/√r} (low-rank), then {@code + b + s·σ·e_b}.
     */
    @Override
    public Tensor forwardMember(MatrixProduct product, Member member) {
        Tensor y = product.member(member);
        if (bias != null) {
            Kernels k = Simd.kernels();
            if (product.base() == null) {
                k.addRowVector(bias.data(), 0, y.data(), 0, y.dim(0), out);
            }
            k.addRowVector(member.perturbation(bias).data(), 0, y.data(), 0, y.dim(0), out);
        }
        return y;
    }

    /**
     * Lockstep: the block's {@code X·Wᵀ + b} as one GEMM, then every member's {@code s·σ·X_m·Eᵀ + s·σ·e_b}
     * in one loop over the members; the same numbers as {@link #forwardMember} gives on each member's
     * own rows with that base.
     */
    @Override
    public void forwardMembers(MemberRows members) {
        members.linear(weight, bias);
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

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.ops.Conv2dFunction;
import dev.gradlab.core.population.MatrixProduct;
import dev.gradlab.core.population.Member;
import dev.gradlab.core.population.PopulationForward;
import dev.gradlab.core.population.SharedInput;
import java.util.List;

/**
 * A 2-d convolution layer over (N, C, H, W) inputs, as PyTorch's {@code nn.Conv2d} with a square
 * kernel: weight {@code (out, in, k, k)}, bias {@code (out)}, output (N, out, OH, OW) with
 * {@code OH = (H + 2·padding − k)/stride + 1}; see {@link Conv2dFunction} for the op and its
 * gradients. Default initialisation as PyTorch's: weight and bias from {@code U(−1/√fan_in,
 * 1/√fan_in)}, {@code fan_in = in·k·k}, the same numbers as PyTorch for the same seed.
 *
 * <p>In a population its weight is the matrix {@code out × in·k·k} that multiplies the im2col matrix,
 * so it takes the same perturbations as {@link Linear}'s (see {@link #share}).
 */
public final class Conv2d implements PopulationForward<Conv2d.Product> {

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * The layer {@code torch.manual_seed(seed); nn.Conv2d(in, out, kernel, stride, padding, bias=bias)}
     * makes, to the bit.
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, long seed) {
        this(in, out, kernel, stride, padding, bias, new TorchGenerator(seed));
    }

    /**
     * A layer whose weight (row-major), then bias, are drawn from {@code generator}, as
     * {@code nn.Conv2d} draws them from PyTorch's global generator.
     *
     * @param in        input channels, at least 1
     * @param out       output channels, at least 1
     * @param kernel    the kernel's height and width, at least 1
     * @param stride    at least 1
     * @param padding   zeros added on each side, at least 0
     * @param bias      whether to add a learned bias per output channel
     * @param generator advanced by {@code out·in·k·k (+ out)} draws
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, TorchGenerator generator) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs in, out, kernel, stride >= 1 and padding >= 0, got in="
                    + in + ", out=" + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        int fanIn = in * kernel * kernel;
        // kaiming_uniform_(a=√5) as PyTorch computes its bound, in double, as Linear does.
        double a = Math.sqrt(5);
        float weightBound = (float) (Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + a * a)) / Math.sqrt(fanIn)));
        this.weight = Tensor.uniform(generator, -weightBound, weightBound, out, in, kernel, kernel)
                .requiresGrad(true);
        float biasBound = (float) (1 / Math.sqrt(fanIn));
        this.bias = bias ? Tensor.uniform(generator, -biasBound, biasBound, out).requiresGrad(true) : null;
    }

    /** {@code nn.Conv2d(in, out, kernel)}: stride 1, no padding, with a bias, drawn from {@code generator}. */
    public Conv2d(int in, int out, int kernel, TorchGenerator generator) {
        this(in, out, kernel, 1, 0, true, generator);
    }

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        Conv2dFunction conv = new Conv2dFunction(stride, padding);
        return bias == null ? conv.apply(x, weight) : conv.apply(x, weight, bias);
    }

    private void checkInput(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != in) {
            throw new IllegalArgumentException(this + " needs input of shape [batch, " + in + ", height, width], got "
                    + java.util.Arrays.toString(x.shape()));
        }
    }

    /**
     * What a convolution's shared phase hands to its member phase: on the population's input, the
     * product of the weight with the input's im2col matrix; on a member's own input, that input
     * alone ({@code product} null).
     */
    public record Product(MatrixProduct product, Tensor input) {}

    /**
     * The shared phase: {@code X = im2col(x)} ({@code in·k·k × N·OH·OW}, the forward's layout) once
     * for the members that see {@code x}, and the product {@code W·X} with the weight as the matrix
     * {@code out × in·k·k}, whose base is the unperturbed output {@code y} (N, out, OH, OW). A
     * direction costs only its perturbation's product (full-rank {@code σ·E·X}, once for both members
     * of a pair; low-rank {@code σ·A·(Bᵀ·X)/√r}, {@code Bᵀ·X} of every direction one GEMM made here),
     * as {@link Linear}'s transposed, written straight into the output's layout with the bias's
     * perturbation.
     */
    @Override
    public Product share(Tensor x, Tensor y, SharedInput shared) {
        checkInput(x);
        if (y == null) {
            // A member's own input: nothing to share, and the member's convolution is the plain one.
            return new Product(null, x);
        }
        Tensor columns = Conv2dFunction.im2col(x, kernel, stride, padding);
        return new Product(shared.columnsProduct(columns, weight, y, bias), null);
    }

    /**
     * The member phase: on the shared input {@code y + s·σ·E·X + s·σ·e_b}, in the output's layout
     * (N, out, OH, OW); on a member's own input the plain convolution at the member's weights
     * {@code W + sσE} and bias {@code b + sσ·e_b} (low-rank {@code E = A·Bᵀ/√r} too: at batch sizes
     * the product dwarfs building {@code E}, and the plain forward's layout needs no transposes).
     */
    @Override
    public Tensor forwardMember(Product shared, Member member) {
        MatrixProduct product = shared.product();
        if (product != null) {
            return product.member(member);
        }
        Tensor w = member.perturbed(weight);
        Conv2dFunction conv = new Conv2dFunction(stride, padding);
        return bias == null ? conv.apply(shared.input(), w) : conv.apply(shared.input(), w, member.perturbed(bias));
    }

    @Override
    public List<Tensor> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** The weight, {@code out × in × k × k}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or null for a layer without one. */
    public Tensor bias() {
        return bias;
    }

    /** Input channels, PyTorch's {@code in_channels}. */
    public int inChannels() {
        return in;
    }

    /** Output channels, PyTorch's {@code out_channels}. */
    public int outChannels() {
        return out;
    }

    /** The kernel's height and width. */
    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel_size=" + kernel + (stride == 1 ? "" : ", stride=" + stride)
                + (padding == 0 ? "" : ", padding=" + padding) + (bias == null ? ", bias=false" : "") + ")";
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.ops.AvgPool2dFunction;
import java.util.List;

/** Average pooling over k×k windows of (N, C, H, W), as PyTorch's {@code nn.AvgPool2d}; see {@link AvgPool2dFunction}. */
public final class AvgPool2d implements Module {

    private final int kernel;
    private final int stride;

    /** Windows of {@code kernel}×{@code kernel}, taken {@code stride} apart; both at least 1. */
    public AvgPool2d(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(
                    "AvgPool2d needs kernel >= 1 and stride >= 1, got kernel=" + kernel + ", stride=" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** Non-overlapping windows: the stride is the kernel, PyTorch's default. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return new AvgPool2dFunction(kernel, stride).apply(x);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    /** The window's height and width. */
    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=" + kernel + ", stride=" + stride + ")";
    }
}

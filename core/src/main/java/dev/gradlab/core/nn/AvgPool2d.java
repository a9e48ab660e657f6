package dev.gradlab.core.nn;

import dev.gradlab.core.Function;
import dev.gradlab.core.ops.AvgPool2dFunction;

/** Average pooling over k×k windows of (N, C, H, W), as PyTorch's {@code nn.AvgPool2d}; see {@link AvgPool2dFunction}. */
public final class AvgPool2d extends Pool2d {

    /** Windows of {@code kernel}×{@code kernel}, taken {@code stride} apart; both at least 1. */
    public AvgPool2d(int kernel, int stride) {
        super(kernel, stride);
    }

    /** Non-overlapping windows: the stride is the kernel, PyTorch's default. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel);
    }

    @Override
    Function function(int kernel, int stride) {
        return new AvgPool2dFunction(kernel, stride);
    }
}

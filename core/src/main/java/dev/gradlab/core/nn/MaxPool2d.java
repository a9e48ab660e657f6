package dev.gradlab.core.nn;

import dev.gradlab.core.Function;
import dev.gradlab.core.ops.MaxPool2dFunction;

/** Max pooling over k×k windows of (N, C, H, W), as PyTorch's {@code nn.MaxPool2d}; see {@link MaxPool2dFunction}. */
public final class MaxPool2d extends Pool2d {

    /** Windows of {@code kernel}×{@code kernel}, taken {@code stride} apart; both at least 1. */
    public MaxPool2d(int kernel, int stride) {
        super(kernel, stride);
    }

    /** Non-overlapping windows: the stride is the kernel, PyTorch's default. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    @Override
    Function function(int kernel, int stride) {
        return new MaxPool2dFunction(kernel, stride);
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.List;

/** What the two pooling modules share: a k×k window taken {@code stride} apart, no parameters. */
abstract sealed class Pool2d implements Module permits MaxPool2d, AvgPool2d {

    private final int kernel;
    private final int stride;

    Pool2d(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + " needs kernel >= 1 and stride >= 1, got kernel=" + kernel + ", stride=" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** The op that pools one input. */
    abstract Function function(int kernel, int stride);

    @Override
    public Tensor forward(Tensor x) {
        return function(kernel, stride).apply(x);
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
        return getClass().getSimpleName() + "(kernel_size=" + kernel + ", stride=" + stride + ")";
    }
}

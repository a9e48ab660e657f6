package dev.gradlab.core.ops;

import java.util.Arrays;

/** The geometry shared by the 2-d pools: windows of k×k with stride s, no padding, floor of the output size. */
record Pool2d(int kernel, int stride, int n, int c, int h, int w, int oh, int ow) {

    /** The windows over {@code x} (N, C, H, W); {@code op} names the pool in messages. */
    static Pool2d over(String op, int kernel, int stride, int[] x) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(op + " needs kernel >= 1 and stride >= 1, got kernel=" + kernel
                    + ", stride=" + stride);
        }
        if (x.length != 4 || x[2] < kernel || x[3] < kernel) {
            throw new IllegalArgumentException(op + " needs input (N, C, H, W) with H, W >= kernel " + kernel + ", got "
                    + Arrays.toString(x));
        }
        return new Pool2d(kernel, stride, x[0], x[1], x[2], x[3], (x[2] - kernel) / stride + 1,
                (x[3] - kernel) / stride + 1);
    }

    /** Planes (one per sample and channel). */
    int planes() {
        return n * c;
    }
}

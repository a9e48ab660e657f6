package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import java.util.Arrays;

/**
 * What the 2-d pools share: k×k windows taken s apart over (N, C, H, W), no padding, the output
 * size rounded down, {@code OH = (H − k)/s + 1}; the input's geometry is set by {@link #windowsOver}.
 */
abstract class Pool2dFunction extends Function {

    final int kernel;
    final int stride;
    int n;
    int c;
    int h;
    int w;
    int oh;
    int ow;

    Pool2dFunction(int kernel, int stride) {
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(
                    name() + " needs kernel >= 1 and stride >= 1, got kernel=" + kernel + ", stride=" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** Records the geometry of the windows over an input of this shape. */
    final void windowsOver(int[] x) {
        if (x.length != 4 || x[2] < kernel || x[3] < kernel) {
            throw new IllegalArgumentException(
                    name() + " needs input (N, C, H, W) with H, W >= kernel " + kernel + ", got " + Arrays.toString(x));
        }
        n = x[0];
        c = x[1];
        h = x[2];
        w = x[3];
        oh = (h - kernel) / stride + 1;
        ow = (w - kernel) / stride + 1;
    }
}

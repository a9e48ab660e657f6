package dev.gradlab.core.ops;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Parallel;

/**
 * 2-d max pooling of {@code x} (N, C, H, W) over k×k windows with stride s:
 * {@code y[n,c,i,j] = max_{u,v<k} x[n,c,i·s+u, j·s+v]}. As PyTorch, the first maximum in row-major
 * order wins a tie and a NaN in the window is the maximum. Backward routes each output's gradient
 * to the element that won: {@code dx[argmax] += g} (windows overlap when s &lt; k, hence the sum).
 */
public final class MaxPool2dFunction extends Pool2dFunction {

    public MaxPool2dFunction(int kernel, int stride) {
        super(kernel, stride);
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        windowsOver(x.shape());
        if ((long) h * w > 1 << 24) {
            throw new IllegalArgumentException(
                    "max_pool2d supports planes of at most 2^24 elements, got H×W = " + h + "×" + w);
        }
        Tensor y = newTensor(n, c, oh, ow);
        // The winner's index in its plane, kept as a float so that a workspace lends its storage:
        // exact up to 2^24.
        Tensor argmax = newTensorLike(y);
        float[] xd = x.data();
        float[] yd = y.data();
        float[] ad = argmax.data();
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                int from = plane * h * w;
                int out = plane * oh * ow;
                if (kernel == 2 && stride == 2) {
                    pool2x2(xd, from, w, yd, ad, out, oh, ow);
                    continue;
                }
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int best = (i * stride) * w + j * stride;
                        float max = xd[from + best];
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                int at = (i * stride + u) * w + j * stride + v;
                                float value = xd[from + at];
                                if (value > max || (Float.isNaN(value) && !Float.isNaN(max))) {
                                    max = value;
                                    best = at;
                                }
                            }
                        }
                        yd[out + i * ow + j] = max;
                        ad[out + i * ow + j] = best;
                    }
                }
            }
        });
        saveForBackward(argmax);
        return y;
    }

    /**
     * The common 2×2 windows at stride 2 of one plane, unrolled: the same winners as the general
     * loop ({@code !(value <= max)} is {@code value > max} or NaN; a NaN maximum is kept).
     */
    private static void pool2x2(float[] x, int from, int w, float[] y, float[] argmax, int out, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            int top = 2 * i * w;
            for (int j = 0, q = out + i * ow; j < ow; j++, q++) {
                int best = top + 2 * j;
                float max = x[from + best];
                float value = x[from + best + 1];
                int at = best + 1;
                if (!(value <= max) && max == max) {
                    max = value;
                    best = at;
                }
                at = top + w + 2 * j;
                value = x[from + at];
                if (!(value <= max) && max == max) {
                    max = value;
                    best = at;
                }
                value = x[from + at + 1];
                if (!(value <= max) && max == max) {
                    max = value;
                    best = at + 1;
                }
                y[q] = max;
                argmax[q] = best;
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] ad = saved(0).data();
        float[] gd = g.data();
        Tensor gx = newTensor(n, c, h, w);
        float[] gxd = gx.data();
        int outPlane = oh * ow;
        int inPlane = h * w;
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                for (int q = plane * outPlane, end = q + outPlane; q < end; q++) {
                    gxd[plane * inPlane + (int) ad[q]] += gd[q];
                }
            }
        });
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula(
                "z = max over each " + kernel + "×" + kernel + " window (stride " + stride + ")",
                "∂L/∂x[argmax] += ∂L/∂z,  0 elsewhere");
    }
}

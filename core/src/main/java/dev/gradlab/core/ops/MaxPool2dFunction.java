package dev.gradlab.core.ops;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * 2-d max pooling of {@code x} (N, C, H, W) over k×k windows with stride s:
 * {@code y[n,c,i,j] = max_{u,v<k} x[n,c,i·s+u, j·s+v]}. As PyTorch, the first maximum in row-major
 * order wins a tie and a NaN in the window is the maximum (the first NaN wins); unlike PyTorch, the
 * maximum is {@link Math#max}'s, which puts −0 below +0. Backward routes each output's gradient
 * to the element that won: {@code dx[argmax] += g} (windows overlap when s &lt; k, hence the sum).
 *
 * <p>The maximum is a chain of {@code Math.max}, and the winner the first element with the
 * maximum's bits; the common 2×2 windows at stride 2 are the {@code maxPool2x2} kernel's, four
 * windows a step without a data-dependent branch. The winner is only looked for when a gradient
 * will be needed.
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
        Tensor y = Workspace.uninitialized(n, c, oh, ow);
        // The winner's index in its plane, kept as a float so that a workspace lends its storage:
        // exact up to 2^24.
        Tensor argmax = needsInputGrad(0) ? Workspace.uninitialized(n, c, oh, ow) : null;
        float[] xd = x.data();
        float[] yd = y.data();
        float[] ad = argmax == null ? null : argmax.data();
        Kernels kernels = Simd.kernels();
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                int from = plane * h * w;
                int out = plane * oh * ow;
                if (kernel == 2 && stride == 2) {
                    kernels.maxPool2x2(oh, ow, xd, from, w, yd, out, ad);
                    continue;
                }
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int first = (i * stride) * w + j * stride;
                        float max = xd[from + first];
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0, at = first + u * w; v < kernel; v++, at++) {
                                max = Math.max(max, xd[from + at]);
                            }
                        }
                        yd[out + i * ow + j] = max;
                        if (ad != null) {
                            ad[out + i * ow + j] = winner(xd, from, first, w, max);
                        }
                    }
                }
            }
        });
        saveForBackward(argmax);
        return y;
    }

    /**
     * The first element of the window at {@code first} (an index in its plane) whose bits are
     * {@code max}'s; the first NaN when {@code max} is NaN.
     */
    private int winner(float[] x, int from, int first, int w, float max) {
        boolean nan = Float.isNaN(max);
        for (int u = 0; u < kernel; u++) {
            for (int v = 0, at = first + u * w; v < kernel; v++, at++) {
                float value = x[from + at];
                if (nan ? Float.isNaN(value) : Float.floatToRawIntBits(value) == Float.floatToRawIntBits(max)) {
                    return at;
                }
            }
        }
        throw new AssertionError("the maximum is one of its window's elements");
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] ad = saved(0).data();
        float[] gd = g.data();
        // 2×2 windows at stride 2 do not overlap: the kernel writes each one whole, and only what no
        // window covers (a last row or column of odd H or W) needs zeros; other windows add up.
        boolean twoByTwo = kernel == 2 && stride == 2;
        Tensor gx = twoByTwo ? newUninitialized(n, c, h, w) : newTensor(n, c, h, w);
        float[] gxd = gx.data();
        int outPlane = oh * ow;
        int inPlane = h * w;
        Kernels kernels = Simd.kernels();
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                if (twoByTwo) {
                    kernels.maxPool2x2Backward(oh, ow, gd, plane * outPlane, ad, gxd, plane * inPlane, w);
                    zeroUncovered(gxd, plane * inPlane);
                    continue;
                }
                for (int q = plane * outPlane, end = q + outPlane; q < end; q++) {
                    gxd[plane * inPlane + (int) ad[q]] += gd[q];
                }
            }
        });
        return new Tensor[] {gx};
    }

    /** Zeros the last column (odd W) and the last row (odd H) of the plane at {@code from}: no 2×2 window covers them. */
    private void zeroUncovered(float[] gx, int from) {
        if (w > 2 * ow) {
            for (int r = 0, at = from + w - 1; r < 2 * oh; r++, at += w) {
                gx[at] = 0f;
            }
        }
        if (h > 2 * oh) {
            Arrays.fill(gx, from + 2 * oh * w, from + h * w, 0f);
        }
    }

    @Override
    protected Formula formula() {
        return new Formula(
                "z = max over each " + kernel + "×" + kernel + " window (stride " + stride + ")",
                "∂L/∂x[argmax] += ∂L/∂z,  0 elsewhere");
    }
}

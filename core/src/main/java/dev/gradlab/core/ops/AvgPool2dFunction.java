package dev.gradlab.core.ops;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Parallel;

/**
 * 2-d average pooling of {@code x} (N, C, H, W) over k×k windows with stride s:
 * {@code y[n,c,i,j] = (1/k²)·Σ_{u,v<k} x[n,c,i·s+u, j·s+v]}. Backward spreads each output's
 * gradient evenly over its window: {@code dx[n,c,i·s+u, j·s+v] += g[n,c,i,j]/k²}.
 */
public final class AvgPool2dFunction extends Pool2dFunction {

    public AvgPool2dFunction(int kernel, int stride) {
        super(kernel, stride);
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        windowsOver(x.shape());
        Tensor y = newUninitialized(n, c, oh, ow);
        float[] xd = x.data();
        float[] yd = y.data();
        float scale = 1f / (kernel * kernel);
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                int from = plane * h * w;
                int out = plane * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float sum = 0;
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                sum += xd[from + (i * stride + u) * w + j * stride + v];
                            }
                        }
                        yd[out + i * ow + j] = sum * scale;
                    }
                }
            }
        });
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] gd = g.data();
        Tensor gx = newTensor(n, c, h, w);
        float[] gxd = gx.data();
        float scale = 1f / (kernel * kernel);
        Parallel.forEach(n, s -> {
            for (int plane = s * c; plane < (s + 1) * c; plane++) {
                int to = plane * h * w;
                int out = plane * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float share = gd[out + i * ow + j] * scale;
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                gxd[to + (i * stride + u) * w + j * stride + v] += share;
                            }
                        }
                    }
                }
            }
        });
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula(
                "z = mean over each " + kernel + "×" + kernel + " window (stride " + stride + ")",
                "∂L/∂x += ∂L/∂z / " + (kernel * kernel) + " over each window");
    }
}

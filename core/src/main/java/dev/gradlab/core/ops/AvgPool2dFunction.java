package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Parallel;

/**
 * 2-d average pooling of {@code x} (N, C, H, W) over k×k windows with stride s:
 * {@code y[n,c,i,j] = (1/k²)·Σ_{u,v<k} x[n,c,i·s+u, j·s+v]}. Backward spreads each output's
 * gradient evenly over its window: {@code dx[n,c,i·s+u, j·s+v] += g[n,c,i,j]/k²}.
 */
public final class AvgPool2dFunction extends Function {

    private final int kernel;
    private final int stride;
    private Pool2d pool;

    public AvgPool2dFunction(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Pool2d p = Pool2d.over("avg_pool2d", kernel, stride, x.shape());
        pool = p;
        Tensor y = newTensor(p.n(), p.c(), p.oh(), p.ow());
        float[] xd = x.data();
        float[] yd = y.data();
        float scale = 1f / (kernel * kernel);
        Parallel.forEach(p.n(), s -> {
            for (int plane = s * p.c(); plane < (s + 1) * p.c(); plane++) {
                int from = plane * p.h() * p.w();
                int out = plane * p.oh() * p.ow();
                for (int i = 0; i < p.oh(); i++) {
                    for (int j = 0; j < p.ow(); j++) {
                        float sum = 0;
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                sum += xd[from + (i * stride + u) * p.w() + j * stride + v];
                            }
                        }
                        yd[out + i * p.ow() + j] = sum * scale;
                    }
                }
            }
        });
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Pool2d p = pool;
        float[] gd = g.data();
        Tensor gx = newTensor(p.n(), p.c(), p.h(), p.w());
        float[] gxd = gx.data();
        float scale = 1f / (kernel * kernel);
        Parallel.forEach(p.n(), s -> {
            for (int plane = s * p.c(); plane < (s + 1) * p.c(); plane++) {
                int to = plane * p.h() * p.w();
                int out = plane * p.oh() * p.ow();
                for (int i = 0; i < p.oh(); i++) {
                    for (int j = 0; j < p.ow(); j++) {
                        float share = gd[out + i * p.ow() + j] * scale;
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                gxd[to + (i * stride + u) * p.w() + j * stride + v] += share;
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
        return new Formula("z = mean over each " + kernel + "×" + kernel + " window (stride " + stride + ")",
                "∂L/∂x += ∂L/∂z / " + (kernel * kernel) + " over each window");
    }
}

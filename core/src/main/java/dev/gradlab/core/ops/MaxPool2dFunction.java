package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Parallel;

/**
 * 2-d max pooling of {@code x} (N, C, H, W) over k×k windows with stride s:
 * {@code y[n,c,i,j] = max_{u,v<k} x[n,c,i·s+u, j·s+v]}. As PyTorch, the first maximum in row-major
 * order wins a tie and a NaN in the window is the maximum. Backward routes each output's gradient
 * to the element that won: {@code dx[argmax] += g} (windows overlap when s < k, hence the sum).
 */
public final class MaxPool2dFunction extends Function {

    private final int kernel;
    private final int stride;
    private Pool2d pool;

    public MaxPool2dFunction(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Pool2d p = Pool2d.over("max_pool2d", kernel, stride, x.shape());
        pool = p;
        Tensor y = newTensor(p.n(), p.c(), p.oh(), p.ow());
        // The winner's index in its plane, kept as a float so that a workspace lends its storage;
        // exact, since a plane has far fewer than 2^24 elements.
        Tensor argmax = newTensorLike(y);
        float[] xd = x.data();
        float[] yd = y.data();
        float[] ad = argmax.data();
        Parallel.forEach(p.n(), s -> {
            for (int plane = s * p.c(); plane < (s + 1) * p.c(); plane++) {
                int from = plane * p.h() * p.w();
                int out = plane * p.oh() * p.ow();
                for (int i = 0; i < p.oh(); i++) {
                    for (int j = 0; j < p.ow(); j++) {
                        int best = (i * stride) * p.w() + j * stride;
                        float max = xd[from + best];
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                int at = (i * stride + u) * p.w() + j * stride + v;
                                float value = xd[from + at];
                                if (value > max || Float.isNaN(value) && !Float.isNaN(max)) {
                                    max = value;
                                    best = at;
                                }
                            }
                        }
                        yd[out + i * p.ow() + j] = max;
                        ad[out + i * p.ow() + j] = best;
                    }
                }
            }
        });
        saveForBackward(argmax);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Pool2d p = pool;
        float[] ad = saved(0).data();
        float[] gd = g.data();
        Tensor gx = newTensor(p.n(), p.c(), p.h(), p.w());
        float[] gxd = gx.data();
        int outPlane = p.oh() * p.ow();
        int inPlane = p.h() * p.w();
        Parallel.forEach(p.n(), s -> {
            for (int plane = s * p.c(); plane < (s + 1) * p.c(); plane++) {
                for (int q = plane * outPlane, end = q + outPlane; q < end; q++) {
                    gxd[plane * inPlane + (int) ad[q]] += gd[q];
                }
            }
        });
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = max over each " + kernel + "×" + kernel + " window (stride " + stride + ")",
                "∂L/∂x[argmax] += ∂L/∂z,  0 elsewhere");
    }
}

package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout, as PyTorch's in training mode: each element is kept with probability
 * {@code 1 − p} and scaled by {@code 1/(1 − p)}, else zeroed, so that the expectation is x:
 * {@code z = x·m}, {@code m ∈ {0, 1/(1−p)}}. Backward: {@code dx = g·m}, the same mask. With
 * {@code p = 1} everything is dropped ({@code z = 0}).
 */
public final class DropoutFunction extends Function {

    private final float p;
    private final SplittableRandom random;

    /**
     * @param p      the probability of zeroing an element, in [0, 1]
     * @param random draws the mask, one double per element in row-major order
     */
    public DropoutFunction(float p, SplittableRandom random) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.random = random;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor mask = newUninitializedLike(x);
        Tensor z = newUninitializedLike(x);
        float keep = p == 1 ? 0f : 1f / (1 - p);
        float[] m = mask.data();
        float[] xd = x.data();
        float[] zd = z.data();
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextDouble() < p ? 0f : keep;
            zd[i] = xd[i] * m[i];
        }
        saveForBackward(mask);
        return z;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] m = saved(0).data();
        Tensor gx = newUninitializedLike(g);
        float[] gd = g.data();
        float[] gxd = gx.data();
        for (int i = 0; i < m.length; i++) {
            gxd[i] = gd[i] * m[i];
        }
        return new Tensor[] {gx};
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x·m,  m = 0 with probability " + p + ", else 1/(1−p)", "∂L/∂x = ∂L/∂z·m");
    }
}

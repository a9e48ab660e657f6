package dev.gradlab.core.ops;

import dev.gradlab.simd.Simd;
import java.util.Arrays;

/** Elementwise {@code z = −x}. Backward: {@code dx = −g}. */
public final class Neg extends Elementwise {

    public Neg() {
        super(false);
    }

    @Override
    void compute(float[] x, float[] z) {
        // 0 + (−1·x) over zeros, so that a zero comes out as +0 as before
        Arrays.fill(z, 0f);
        Simd.kernels().axpy(z.length, -1f, x, 0, z, 0);
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        Arrays.fill(gx, 0f);
        Simd.kernels().axpy(gx.length, -1f, g, 0, gx, 0);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = −x", "∂L/∂x = −∂L/∂z");
    }
}

package dev.gradlab.core.ops;

import dev.gradlab.simd.Simd;

/** Elementwise {@code z = x²}. Backward: {@code dx = 2x·g}. */
public final class Square extends Elementwise {

    public Square() {
        super(false);
    }

    @Override
    void compute(float[] x, float[] z) {
        Simd.kernels().mul(x, 0, x, 0, z, 0, z.length);
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        Simd.kernels().mul(g, 0, s, 0, gx, 0, gx.length);
        Simd.kernels().scale(gx.length, 2f, gx, 0);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = x²", "∂L/∂x = ∂L/∂z·2x");
    }
}

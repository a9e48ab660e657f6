package dev.gradlab.core.ops;

import dev.gradlab.simd.Simd;

/** Elementwise {@code z = eˣ}. Backward: {@code dx = g·z}, from the saved output. */
public final class Exp extends Elementwise {

    public Exp() {
        super(true);
    }

    @Override
    void compute(float[] x, float[] z) {
        Simd.kernels().exp(x, 0, z, 0, z.length);
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        Simd.kernels().mul(g, 0, s, 0, gx, 0, gx.length);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = eˣ", "∂L/∂x = ∂L/∂z·z");
    }
}

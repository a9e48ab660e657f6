package dev.gradlab.core.ops;

import dev.gradlab.simd.Simd;

/** Elementwise natural logarithm {@code z = ln x} (−∞ at 0, NaN below). Backward: {@code dx = g / x}. */
public final class Log extends Elementwise {

    public Log() {
        super(false);
    }

    @Override
    void compute(float[] x, float[] z) {
        Simd.kernels().log(x, 0, z, 0, z.length);
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        for (int i = 0; i < gx.length; i++) {
            gx[i] = g[i] / s[i];
        }
    }

    @Override
    protected Formula formula() {
        return new Formula("z = ln x", "∂L/∂x = ∂L/∂z / x");
    }
}

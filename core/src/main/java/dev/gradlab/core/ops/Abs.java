package dev.gradlab.core.ops;

/** Elementwise {@code z = |x|}. Backward: {@code dx = g·sign(x)}, 0 at {@code x = 0} as PyTorch. */
public final class Abs extends Elementwise {

    public Abs() {
        super(false);
    }

    @Override
    void compute(float[] x, float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.abs(x[i]);
        }
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        for (int i = 0; i < gx.length; i++) {
            gx[i] = g[i] * Math.signum(s[i]);
        }
    }

    @Override
    protected Formula formula() {
        return new Formula("z = |x|", "∂L/∂x = ∂L/∂z·sign(x)");
    }
}

package dev.gradlab.core.ops;

/** Elementwise {@code z = 1/x}. Backward: {@code dx = −g·z²}, from the saved output. */
public final class Reciprocal extends Elementwise {

    public Reciprocal() {
        super(true);
    }

    @Override
    void compute(float[] x, float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = 1f / x[i];
        }
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        for (int i = 0; i < gx.length; i++) {
            gx[i] = -g[i] * s[i] * s[i];
        }
    }

    @Override
    protected Formula formula() {
        return new Formula("z = 1/x", "∂L/∂x = −∂L/∂z·z²");
    }
}

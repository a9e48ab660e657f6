package dev.gradlab.core.ops;

/** Elementwise {@code z = √x} (NaN below 0). Backward: {@code dx = g / (2z)}, from the saved output. */
public final class Sqrt extends Elementwise {

    public Sqrt() {
        super(true);
    }

    @Override
    void compute(float[] x, float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.sqrt(x[i]);
        }
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        for (int i = 0; i < gx.length; i++) {
            gx[i] = g[i] / (2f * s[i]);
        }
    }

    @Override
    protected Formula formula() {
        return new Formula("z = √x", "∂L/∂x = ∂L/∂z / (2z)");
    }
}

package dev.gradlab.core.ops;

/** Elementwise {@code z = −x}. Backward: {@code dx = −g}. */
public final class Neg extends Elementwise {

    public Neg() {
        super(false);
    }

    @Override
    void compute(float[] x, float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = -x[i];
        }
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        compute(g, gx);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = −x", "∂L/∂x = −∂L/∂z");
    }
}

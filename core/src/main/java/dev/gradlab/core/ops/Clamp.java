package dev.gradlab.core.ops;

/**
 * Elementwise {@code z = min(max(x, min), max)}. Backward: {@code dx = g} where
 * {@code min ≤ x ≤ max}, else 0, as PyTorch.
 */
public final class Clamp extends Elementwise {

    private final float min;
    private final float max;

    /** Clamps to {@code [min, max]}; {@code min} must not exceed {@code max}. */
    public Clamp(float min, float max) {
        super(false);
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min must not exceed max, got min=" + min + ", max=" + max);
        }
        this.min = min;
        this.max = max;
    }

    @Override
    void compute(float[] x, float[] z) {
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.min(Math.max(x[i], min), max);
        }
    }

    @Override
    void gradient(float[] s, float[] g, float[] gx) {
        for (int i = 0; i < gx.length; i++) {
            gx[i] = s[i] >= min && s[i] <= max ? g[i] : 0f;
        }
    }

    @Override
    protected Formula formula() {
        return new Formula("z = min(max(x, lo), hi)", "∂L/∂x = ∂L/∂z·[lo ≤ x ≤ hi]");
    }
}

package dev.gradlab.core.ops;

/**
 * {@code z = min(x, y)} elementwise, broadcasting; NaN when either is NaN. Backward: {@code g} to the
 * operand chosen, halves where they are equal (see {@link Extremum}).
 */
public final class Minimum extends Extremum {

    public Minimum() {
        super(true);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = min(x, y)", "∂L/∂x = ∂L/∂z·[x < y],  ∂L/∂y = ∂L/∂z·[y < x]  (halves where x = y)");
    }
}

package dev.gradlab.core.ops;

/**
 * {@code z = max(x, y)} elementwise, broadcasting; NaN when either is NaN. Backward: {@code g} to the
 * operand chosen, halves where they are equal (see {@link Extremum}).
 */
public final class Maximum extends Extremum {

    public Maximum() {
        super(false);
    }

    @Override
    protected Formula formula() {
        return new Formula("z = max(x, y)", "∂L/∂x = ∂L/∂z·[x > y],  ∂L/∂y = ∂L/∂z·[y > x]  (halves where x = y)");
    }
}

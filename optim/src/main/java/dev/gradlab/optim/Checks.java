package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Argument checks shared by the public entry points; messages name the argument and both values. A
 * user's setting (a rate, a size, a σ) that is out of range is an {@link InvalidSettingException}.
 */
final class Checks {

    private Checks() {}

    static List<Tensor> parameters(List<Tensor> params) {
        Objects.requireNonNull(params, "params");
        List<Tensor> copy = List.copyOf(params);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("params must hold at least one tensor, got an empty list");
        }
        return copy;
    }

    static double finiteAtLeast(String name, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new InvalidSettingException(name, "must be finite and >= " + min + ", got " + value);
        }
        return value;
    }

    static double inUnitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InvalidSettingException(name, "must be in [0, 1), got " + value);
        }
        return value;
    }

    static float positive(String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new InvalidSettingException(name, "must be finite and > 0, got " + value);
        }
        return value;
    }

    static int positive(String name, int value) {
        if (value <= 0) {
            throw new InvalidSettingException(name, "must be >= 1, got " + value);
        }
        return value;
    }

    /** The batch a gradient estimator is given: a rows × features matrix and one label per row. */
    static int batch(Tensor x, int[] labels) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        if (x.rank() != 2) {
            throw new IllegalArgumentException("x must be a rows x features matrix, got rank " + x.rank());
        }
        if (labels.length != x.dim(0)) {
            throw new IllegalArgumentException(
                    "labels must have one entry per row of x (" + x.dim(0) + "), got " + labels.length);
        }
        return x.dim(0);
    }
}

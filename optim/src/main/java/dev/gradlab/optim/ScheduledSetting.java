package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;

/**
 * A setting of a {@link GradientEstimator} that may change during a run, as an optimizer group's
 * learning rate does: evolution strategies' σ. It is a scale, finite and {@code > 0} in float32.
 * Beside its value it keeps the initial value that a schedule scales
 * ({@link Trainer.Builder#schedule}), and a {@link Checkpoint} keeps both, as {@code <name>} and
 * {@code initial_<name>}. An estimator lists its own in {@link GradientEstimator#schedulable()}.
 */
public final class ScheduledSetting {

    private final String name;
    private float value;
    private float initial;

    /** A setting named as the estimator's builder names it ({@code "sigma"}), starting at {@code value}. */
    public ScheduledSetting(String name, float value) {
        this.name = name;
        this.value = check(name, value);
        this.initial = value;
    }

    public String name() {
        return name;
    }

    /** The value of the next estimates. */
    public float value() {
        return value;
    }

    /** Sets the value of the next estimates; finite and {@code > 0}. */
    public void set(float value) {
        this.value = check(name, value);
    }

    /** The value a schedule scales: the one the setting was built with, unless a checkpoint said otherwise. */
    public float initial() {
        return initial;
    }

    /** Sets the value and the initial value together, as a checkpoint restores them. */
    void restore(float value, float initial) {
        check("initial_" + name, initial);
        this.value = check(name, value);
        this.initial = initial;
    }

    static float check(String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new InvalidSettingException(name, "must be finite and > 0, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}

package dev.gradlab.optim;

/**
 * An epoch left every weight exactly as it started, although a learning rate was not 0: the steps
 * are too small to change a float32 weight, or the estimate is zero. The run would go on without
 * learning anything, so it stops, naming the setting most likely at fault: an estimator's
 * perturbation scale ({@code sigma} for evolution strategies, whose estimate scales with 1/σ) or
 * the optimizer's learning rate ({@code lr}).
 */
public final class TrainingStalledException extends RuntimeException {

    private final int epoch;
    private final String setting;

    TrainingStalledException(int epoch, String setting, String message) {
        super(message);
        this.epoch = epoch;
        this.setting = setting;
    }

    /** The epoch, counted from 0. */
    public int epoch() {
        return epoch;
    }

    /** The setting likely at fault, as the builder names it: {@code sigma} or {@code lr}. */
    public String setting() {
        return setting;
    }
}

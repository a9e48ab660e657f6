package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A way of computing or estimating the gradient of an {@link Objective} of a model on a batch with
 * respect to its parameters: backpropagation, finite differences, evolution strategies. The result
 * lands where an optimizer reads it, in each parameter's grad, so any estimator trains with any
 * {@link Optimizer}.
 */
public interface GradientEstimator {

    /**
     * Sets each of {@code model.parameters()}'s grad to the estimate of
     * {@code d objective(model(batch.inputs()), batch) / d param} and leaves the parameters' values
     * as they were.
     *
     * @param step the training step; randomized estimators draw fresh noise for every step, and the
     *     same (seed, step) always gives the same estimate
     */
    Estimate estimate(Module model, Objective objective, Batch batch, long step);

    /** The estimate for the mean cross-entropy of {@code model(x)} against {@code labels}. */
    default Estimate estimate(Module model, Tensor x, int[] labels, long step) {
        Checks.batch(x, labels);
        return estimate(model, Objective.crossEntropy(), Batch.of(x, labels), step);
    }

    /** A short description with the settings, such as {@code es-antithetic(N=100, sigma=0.05)}. */
    String name();

    /**
     * The settings that may change during a run, as a learning rate does: {@link EvolutionStrategies}'s
     * {@code sigma}. A {@link Trainer} sets them from schedules and names the first one when an epoch
     * leaves every weight unchanged; a {@link Checkpoint} keeps them. None by default.
     */
    default List<ScheduledSetting> schedulable() {
        return List.of();
    }

    /**
     * The {@link #schedulable()} settings by name, as a {@link Checkpoint} keeps them: each one's
     * value under its name and its initial value under {@code initial_<name>} (ES: {@code sigma},
     * {@code initial_sigma}).
     */
    default Map<String, Double> settings() {
        Map<String, Double> s = new LinkedHashMap<>();
        for (ScheduledSetting setting : schedulable()) {
            s.put(setting.name(), (double) setting.value());
            s.put("initial_" + setting.name(), (double) setting.initial());
        }
        return s;
    }

    /** Sets the {@link #schedulable()} settings from what {@link #settings()} returned; checks the keys first. */
    default void loadSettings(Map<String, Double> settings) {
        if (!settings.keySet().equals(settings().keySet())) {
            throw new IllegalArgumentException("settings must have the keys "
                    + settings().keySet() + " for " + name() + ", got " + settings.keySet());
        }
        for (ScheduledSetting setting : schedulable()) {
            setting.restore(
                    settings.get(setting.name()).floatValue(),
                    settings.get("initial_" + setting.name()).floatValue());
        }
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Objective;
import dev.gradlab.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings that {@link Trainer.Builder} and {@link GeneticAlgorithm.Builder} share: what is
 * minimised, the training and test sets, the epochs, the batches and their order, the listeners and
 * the bound on the loss. Both extend it, so each setter, its default and its check are written once
 * and still return the builder's own type; it cannot be extended outside this package.
 *
 * @param <B> the builder that extends it
 */
public abstract class LoopBuilder<B extends LoopBuilder<B>> {

    private Objective objective = Objective.crossEntropy();
    private Dataset train;
    private Dataset test;
    private int epochs = 1;
    private int batchSize = 100;
    private boolean shuffle;
    private long seed;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private float maxLoss = DivergenceGuard.DEFAULT_MAX_LOSS;

    LoopBuilder(boolean shuffle) {
        this.shuffle = shuffle;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * What is minimised (the genetic algorithm's fitness is minus it); default
     * {@link Objective#crossEntropy()} on the data's labels.
     */
    public B objective(Objective objective) {
        this.objective = Objects.requireNonNull(objective, "objective");
        return self();
    }

    /** The training set; required. */
    public B train(Dataset train) {
        this.train = Objects.requireNonNull(train, "train");
        return self();
    }

    /** The set evaluated after each epoch (for the genetic algorithm, with the champion); optional. */
    public B test(Dataset test) {
        this.test = test;
        return self();
    }

    /** Passes over the training set; default 1. */
    public B epochs(int epochs) {
        this.epochs = Checks.positive("epochs", epochs);
        return self();
    }

    /**
     * Rows per step (per generation); default 100, at most the training set's size; the last batch
     * of an epoch may be smaller.
     */
    public B batchSize(int batchSize) {
        this.batchSize = Checks.positive("batchSize", batchSize);
        return self();
    }

    /**
     * Whether each epoch visits the training set in a new seeded order; default true for a
     * {@link Trainer}, false for a {@link GeneticAlgorithm}.
     */
    public B shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return self();
    }

    /** Seeds the batch order (and the genetic algorithm's mutations and choice of parents); default 0. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public B listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /**
     * A batch or test loss above {@code maxLoss} stops training as diverged; default 10,000 (for
     * cross-entropy, far past any learning run). {@code Float.POSITIVE_INFINITY} turns the bound off;
     * NaN and infinite losses and weights always stop it.
     */
    public B maxLoss(float maxLoss) {
        if (!(maxLoss > 0)) {
            throw new InvalidSettingException("maxLoss", "must be > 0 (or +Infinity for no bound), got " + maxLoss);
        }
        this.maxLoss = maxLoss;
        return self();
    }

    /**
     * The settings, checked; {@code owner} names the builder in the error for a missing training set.
     * A run that resumes from {@code resumeFrom} (null when it does not) must have at least its epochs.
     */
    LoopSettings settings(String owner, Checkpoint resumeFrom) {
        if (resumeFrom != null && resumeFrom.epoch() > epochs) {
            throw new InvalidSettingException(
                    "epochs",
                    "must be at least the checkpoint's " + resumeFrom.epoch() + " epochs done, got " + epochs);
        }
        return new LoopSettings(
                objective,
                LoopSettings.required(train, "train", owner),
                test,
                epochs,
                batchSize,
                shuffle,
                seed,
                listeners,
                maxLoss);
    }
}

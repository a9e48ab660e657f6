package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Batcher;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The training loop: for each batch, the estimator sets the parameters' gradients, the optimizer
 * steps; after each epoch the model is evaluated on the test set. The run is reproducible: the
 * batch order depends on {@code seed} and the epoch, the estimator's noise on its own seed and the
 * global step. A NaN, infinite or too large batch or test loss, or weights that are not finite
 * after a step, stop training with a {@link TrainingDivergedException} naming the step (see
 * {@link Builder#maxLoss}). Schedules set the optimizer's learning rates
 * ({@link Builder#lrSchedule}) and evolution strategies' σ ({@link Builder#sigmaSchedule}) at the
 * start of every epoch. With {@link Builder#checkpoint} a {@link Checkpoint} is written at the
 * end of every epoch; a trainer built with the same settings and {@link Builder#resumeFrom} it
 * continues the run bit for bit.
 */
public final class Trainer {

    private final Module model;
    private final GradientEstimator estimator;
    private final Objective objective;
    private final Optimizer<?> optimizer;
    private final Dataset train;
    private final Dataset test;
    private final int epochs;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final TrainingListener listener;
    private final float maxLoss;
    private final LrSchedule lrSchedule;
    private final LrSchedule sigmaSchedule;
    private final Path checkpointFile;
    private final Map<String, String> checkpointInfo;
    private final Checkpoint resumeFrom;

    private Trainer(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.estimator = b.estimator;
        this.objective = b.objective;
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.train = Objects.requireNonNull(b.train, "train");
        this.test = b.test;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.listener = b.listener;
        this.maxLoss = b.maxLoss;
        this.lrSchedule = b.lrSchedule;
        this.sigmaSchedule = b.sigmaSchedule;
        this.checkpointFile = b.checkpointFile;
        this.checkpointInfo = b.checkpointInfo;
        this.resumeFrom = b.resumeFrom;
        if (resumeFrom != null && resumeFrom.epoch() > epochs) {
            throw new InvalidSettingException("epochs", "must be at least the checkpoint's " + resumeFrom.epoch()
                    + " epochs done, got " + epochs);
        }
        if (sigmaSchedule != null) {
            checkSigmaSchedule();
        }
        if (train.size() == 0 || (test != null && test.size() == 0)) {
            throw new IllegalArgumentException("train and test sets must not be empty, got " + train.size()
                    + " training and " + (test == null ? "no" : Integer.toString(test.size())) + " test examples");
        }
    }

    /** A σ schedule needs evolution strategies, and a σ that stays finite and > 0 in every epoch. */
    private void checkSigmaSchedule() {
        if (!(estimator instanceof EvolutionStrategies es)) {
            throw new InvalidSettingException("sigmaSchedule", "needs an EvolutionStrategies estimator, got "
                    + estimator.name());
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            float sigma = (float) sigmaSchedule.lr(es.initialSigma(), epoch);
            if (!(sigma > 0) || Float.isInfinite(sigma)) {
                throw new InvalidSettingException("sigmaSchedule", "must keep sigma finite and > 0, got " + sigma
                        + " at epoch " + (epoch + 1) + " from sigma " + es.initialSigma());
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a {@link Trainer}; model, optimizer and train set are required. */
    public static final class Builder {
        private Module model;
        private GradientEstimator estimator = new Backprop();
        private Objective objective = Objective.crossEntropy();
        private Optimizer<?> optimizer;
        private Dataset train;
        private Dataset test;
        private int epochs = 1;
        private int batchSize = 100;
        private boolean shuffle = true;
        private long seed;
        private TrainingListener listener = new TrainingListener() {
        };
        private float maxLoss = DivergenceGuard.DEFAULT_MAX_LOSS;
        private LrSchedule lrSchedule;
        private LrSchedule sigmaSchedule;
        private Path checkpointFile;
        private Map<String, String> checkpointInfo = Map.of();
        private Checkpoint resumeFrom;

        private Builder() {
        }

        public Builder model(Module model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** How gradients are obtained; default {@link Backprop}. */
        public Builder estimator(GradientEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /** What is minimised; default {@link Objective#crossEntropy()} on the data's labels. */
        public Builder objective(Objective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        public Builder optimizer(Optimizer<?> optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        public Builder train(Dataset train) {
            this.train = Objects.requireNonNull(train, "train");
            return this;
        }

        /** The set evaluated after each epoch; optional. */
        public Builder test(Dataset test) {
            this.test = test;
            return this;
        }

        /** Default 1. */
        public Builder epochs(int epochs) {
            this.epochs = Checks.positive("epochs", epochs);
            return this;
        }

        /** Default 100; the last batch of an epoch may be smaller. */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.positive("batchSize", batchSize);
            return this;
        }

        /** Whether each epoch visits the training set in a new seeded order; default true. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seeds the batch order. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder listener(TrainingListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * A batch or test loss above {@code maxLoss} stops training as diverged; default 10,000 (for
         * cross-entropy, far past any learning run). {@code Float.POSITIVE_INFINITY} turns the bound off;
         * NaN and infinite losses and weights always stop it.
         */
        public Builder maxLoss(float maxLoss) {
            if (!(maxLoss > 0)) {
                throw new InvalidSettingException("maxLoss", "must be > 0 (or +Infinity for no bound), got " + maxLoss);
            }
            this.maxLoss = maxLoss;
            return this;
        }

        /**
         * Sets the optimizer's learning rates at the start of every epoch from the groups' initial
         * rates; default none (the rates are left as they are).
         */
        public Builder lrSchedule(LrSchedule lrSchedule) {
            this.lrSchedule = Objects.requireNonNull(lrSchedule, "lrSchedule");
            return this;
        }

        /**
         * Sets the σ of the {@link EvolutionStrategies} estimator at the start of every epoch to
         * {@code sigmaSchedule.lr(initialSigma, epoch)}, with the same schedules as the learning
         * rate; default none (σ is left as it is). {@link #build} refuses it for another estimator,
         * and a schedule that takes σ to 0 or past float range in any epoch.
         */
        public Builder sigmaSchedule(LrSchedule sigmaSchedule) {
            this.sigmaSchedule = Objects.requireNonNull(sigmaSchedule, "sigmaSchedule");
            return this;
        }

        /**
         * Writes a {@link Checkpoint} with the caller's {@code info} entries to {@code file} at the
         * end of every epoch, replacing the previous one atomically; default none.
         */
        public Builder checkpoint(Path file, Map<String, String> info) {
            this.checkpointFile = Objects.requireNonNull(file, "file");
            this.checkpointInfo = Map.copyOf(info);
            return this;
        }

        /**
         * Starts from {@code checkpoint} instead of the model's and optimizer's current state: its
         * parameters and optimizer state are restored and training continues after its last epoch,
         * at its global step. {@link #epochs} stays the total, counting the epochs already done.
         */
        public Builder resumeFrom(Checkpoint checkpoint) {
            this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }

    /** Trains for the configured epochs and returns the final test metrics and the cost. */
    public TrainingResult run() {
        Batcher batcher = new Batcher(train, batchSize, shuffle, seed, false);
        DivergenceGuard guard = new DivergenceGuard(model.parameters(), maxLoss);
        listener.onStart(epochs, batcher.batchesPerEpoch());
        long start = System.nanoTime();
        long step = 0;
        long evaluations = 0;
        int firstEpoch = 0;
        if (resumeFrom != null) {
            resumeFrom.restore(model, optimizer, estimator);
            firstEpoch = resumeFrom.epoch();
            step = resumeFrom.step();
            evaluations = resumeFrom.lossEvaluations();
            start -= resumeFrom.elapsedNanos();
        }
        float testLoss = Float.NaN;
        float testAccuracy = Float.NaN;
        for (int epoch = firstEpoch; epoch < epochs; epoch++) {
            if (lrSchedule != null) {
                lrSchedule.apply(optimizer, epoch);
            }
            if (sigmaSchedule != null) {
                sigmaSchedule.apply((EvolutionStrategies) estimator, epoch);
            }
            double lossSum = 0;
            int batchIndex = 0;
            for (var batch : batcher.epoch(epoch)) {
                Tensor x = batch.x();
                int rows = batch.size();
                int[] labels = batch.labels().length == rows ? batch.labels() : Arrays.copyOf(batch.labels(), rows);
                Batch b = Batch.of(x, labels);
                Estimate estimate = estimator.estimate(model, objective, b, step);
                evaluations += estimate.lossEvaluations();
                float loss = Float.isNaN(estimate.loss()) ? BatchLoss.of(model, objective, b) : estimate.loss();
                guard.checkBatchLoss(epoch, batchIndex, step, loss);
                guard.checkGradient(epoch, batchIndex, step, loss);
                optimizer.step();
                guard.checkWeights(epoch, batchIndex, step);
                listener.onBatch(epoch, batchIndex, loss);
                lossSum += loss;
                batchIndex++;
                step++;
            }
            if (test != null) {
                Metrics.Evaluation evaluation = Metrics.evaluate(model, objective, test);
                testLoss = evaluation.loss();
                guard.checkTestLoss(epoch, step - 1, testLoss);
                testAccuracy = evaluation.accuracy();
            }
            listener.onEpoch(new EpochMetrics(epoch, (float) (lossSum / Math.max(1, batchIndex)), testLoss,
                    testAccuracy, evaluations, System.nanoTime() - start));
            if (checkpointFile != null) {
                writeCheckpoint(epoch + 1, step, evaluations, System.nanoTime() - start);
            }
        }
        return new TrainingResult(testAccuracy, testLoss, epochs, evaluations, System.nanoTime() - start);
    }

    private void writeCheckpoint(int epochsDone, long step, long evaluations, long elapsed) {
        try {
            Checkpoint.of(model, optimizer, estimator, epochsDone, step, evaluations, elapsed, checkpointInfo)
                    .write(checkpointFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpointFile + ": " + e.getMessage(), e);
        }
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Batcher;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The training loop: for each batch, the estimator sets the parameters' gradients, the optimizer
 * steps; after each epoch the model is evaluated on the test set. The run is reproducible: the
 * batch order depends on {@code seed} and the epoch, the estimator's noise on its own seed and the
 * global step. A NaN, infinite or too large batch or test loss, or weights that are not finite
 * after a step, stop training with a {@link TrainingDivergedException} naming the step (see
 * {@link Builder#maxLoss}); an epoch that leaves every weight unchanged while a learning rate is not 0
 * stops it with a {@link TrainingStalledException} naming σ or the learning rate. Schedules set the optimizer's learning rates
 * ({@link Builder#lrSchedule}) and the estimator's {@link GradientEstimator#schedulable() settings},
 * such as evolution strategies' σ ({@link Builder#sigmaSchedule}), at the start of every epoch. With {@link Builder#checkpoint} a {@link Checkpoint} is written at the
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
    private final Map<ScheduledSetting, LrSchedule> settingSchedules = new LinkedHashMap<>();
    private final Path checkpointFile;
    private final Map<String, String> checkpointInfo;
    private final Checkpoint resumeFrom;

    private Trainer(Builder b) {
        this.model = LoopSettings.required(b.model, "model", "Trainer");
        this.estimator = b.estimator;
        this.objective = b.objective;
        this.optimizer = LoopSettings.required(b.optimizer, "optimizer", "Trainer");
        this.train = LoopSettings.required(b.train, "train", "Trainer");
        this.test = b.test;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.listener = b.listener;
        this.maxLoss = b.maxLoss;
        this.lrSchedule = b.lrSchedule;
        this.checkpointFile = b.checkpointFile;
        this.checkpointInfo = b.checkpointInfo;
        this.resumeFrom = b.resumeFrom;
        if (resumeFrom != null && resumeFrom.epoch() > epochs) {
            throw new IllegalArgumentException("epochs must be at least the checkpoint's " + resumeFrom.epoch()
                    + " epochs done, got " + epochs);
        }
        b.settingSchedules.forEach((name, schedule) -> settingSchedules.put(scheduled(name, schedule), schedule));
        if (train.size() == 0 || (test != null && test.size() == 0)) {
            throw new IllegalArgumentException("train and test sets must not be empty, got " + train.size()
                    + " training and " + (test == null ? "no" : Integer.toString(test.size())) + " test examples");
        }
        LoopSettings.checkBatchSize(batchSize, train);
        checkOptimizerHoldsTheModel();
    }

    /** An optimizer built on another model's parameters would step tensors no estimate ever reaches. */
    private void checkOptimizerHoldsTheModel() {
        Set<Tensor> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(model.parameters());
        List<Tensor> held = optimizer.parameters();
        for (int i = 0; i < held.size(); i++) {
            if (!own.contains(held.get(i))) {
                throw new IllegalArgumentException("optimizer must update the model's parameters, but its parameter "
                        + i + " (shape " + Arrays.toString(held.get(i).shape()) + ") is none of the model's "
                        + own.size() + " parameter tensors: build the optimizer on model.parameters()");
            }
        }
    }

    /** The estimator's setting {@code name}, which {@code schedule} must keep finite and > 0 in every epoch. */
    private ScheduledSetting scheduled(String name, LrSchedule schedule) {
        String option = name + "Schedule";
        ScheduledSetting setting = estimator.schedulable().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidSettingException(option, "must go with an estimator that has a"
                        + " schedulable " + name + ", such as EvolutionStrategies; " + estimator.name() + " has "
                        + (estimator.schedulable().isEmpty() ? "none" : estimator.schedulable().toString())));
        for (int epoch = 0; epoch < epochs; epoch++) {
            float value = (float) schedule.lr(setting.initial(), epoch);
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new InvalidSettingException(option, "must keep " + name + " finite and > 0, got " + value
                        + " at epoch " + (epoch + 1) + " from " + name + " " + setting.initial());
            }
        }
        return setting;
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
        private final Map<String, LrSchedule> settingSchedules = new LinkedHashMap<>();
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
                throw new IllegalArgumentException("maxLoss must be > 0 (or +Infinity for no bound), got " + maxLoss);
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
         * Sets the estimator's {@link GradientEstimator#schedulable() setting} {@code setting} at
         * the start of every epoch to {@code schedule.lr(initial, epoch)}, with the same schedules as
         * the learning rate; default none (the setting is left as it is). {@link #build} refuses it
         * for an estimator without that setting, and a schedule that takes it to 0 or past float
         * range in any epoch, as {@code InvalidSettingException("<setting>Schedule", …)}.
         */
        public Builder schedule(String setting, LrSchedule schedule) {
            settingSchedules.put(Objects.requireNonNull(setting, "setting"), Objects.requireNonNull(schedule, "schedule"));
            return this;
        }

        /** {@code schedule("sigma", sigmaSchedule)}: evolution strategies' σ, from its initial σ. */
        public Builder sigmaSchedule(LrSchedule sigmaSchedule) {
            return schedule("sigma", sigmaSchedule);
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
        List<Tensor> parameters = model.parameters();
        DivergenceGuard guard = new DivergenceGuard(parameters, maxLoss);
        float[] epochStart = new float[Parameters.count(parameters)];
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
            final int e = epoch;
            settingSchedules.forEach((setting, schedule) -> schedule.apply(setting, e));
            Parameters.flatten(parameters, epochStart);
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
            checkWeightsMoved(epoch, parameters, epochStart);
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

    /**
     * Stops a run whose epoch left every weight as it was although a learning rate is not 0: its
     * steps vanish in float32 (too small a rate, or an estimate scaled down by too large a σ) or the
     * estimate is zero (a σ so small that every member's loss is the same). Blames the estimator's
     * first schedulable setting (ES's σ) when it has one, else the learning rate.
     */
    private void checkWeightsMoved(int epoch, List<Tensor> parameters, float[] start) {
        double[] lrs = optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).distinct().toArray();
        if (Arrays.stream(lrs).allMatch(lr -> lr == 0)) {
            return;
        }
        int offset = 0;
        for (Tensor p : parameters) {
            if (!Arrays.equals(p.data(), 0, p.size(), start, offset, offset + p.size())) {
                return;
            }
            offset += p.size();
        }
        String rate = "learning rate" + (lrs.length == 1 ? " " + lrs[0] : "s " + Arrays.toString(lrs));
        List<ScheduledSetting> settings = estimator.schedulable();
        String where = "epoch " + (epoch + 1) + " left every weight unchanged (" + rate;
        if (settings.isEmpty()) {
            throw new TrainingStalledException(epoch, "lr", where + "): the steps are too small to change a float32"
                    + " weight, or the gradient is zero; raise the learning rate");
        }
        ScheduledSetting s = settings.get(0);
        throw new TrainingStalledException(epoch, s.name(), where + ", " + s.name() + " " + s.value() + "): the estimate"
                + " is zero or too small to change a float32 weight; " + s.name() + " is likely wrong (too large scales"
                + " the estimate down, too small leaves every perturbed loss the same)");
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

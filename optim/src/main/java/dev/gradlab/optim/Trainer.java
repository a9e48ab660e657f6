package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
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
 * {@link LoopBuilder#maxLoss}); an epoch that leaves every weight unchanged while a learning rate
 * is not 0 stops it with a {@link TrainingStalledException} naming σ or the learning rate.
 * Schedules set the optimizer's learning rates ({@link Builder#lrSchedule}) and the estimator's
 * {@link GradientEstimator#schedulable() settings}, such as evolution strategies' σ
 * ({@link Builder#sigmaSchedule}), at the start of every epoch. With {@link Builder#checkpoint} a
 * {@link Checkpoint} of every epoch is written, on a background thread; a trainer built with the
 * same settings and {@link Builder#resumeFrom} it continues the run bit for bit.
 */
public final class Trainer {

    private final Module model;
    private final GradientEstimator estimator;
    private final Optimizer<?> optimizer;
    private final LoopSettings loop;
    private final LrSchedule lrSchedule;
    private final Map<ScheduledSetting, LrSchedule> settingSchedules = new LinkedHashMap<>();
    private final Path checkpointFile;
    private final Map<String, String> checkpointInfo;
    private final Checkpoint resumeFrom;
    /** The checkpoints of the run in progress, if it has any. */
    private volatile CheckpointWriter checkpoints;

    private Trainer(Builder b) {
        this.model = LoopSettings.required(b.model, "model", "Trainer");
        this.estimator = b.estimator;
        this.optimizer = LoopSettings.required(b.optimizer, "optimizer", "Trainer");
        this.loop = b.settings("Trainer", b.resumeFrom);
        this.lrSchedule = b.lrSchedule;
        this.checkpointFile = b.checkpointFile;
        this.checkpointInfo = b.checkpointInfo;
        this.resumeFrom = b.resumeFrom;
        b.settingSchedules.forEach((name, schedule) -> settingSchedules.put(scheduled(name, schedule), schedule));
        checkOptimizerHoldsTheModel();
    }

    /** The estimator's setting {@code name}, which {@code schedule} must keep finite and > 0 in every epoch. */
    private ScheduledSetting scheduled(String name, LrSchedule schedule) {
        String option = name + "Schedule";
        ScheduledSetting setting = estimator.schedulable().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidSettingException(
                        option,
                        "must go with an estimator that has a"
                                + " schedulable " + name + ", such as EvolutionStrategies; " + estimator.name()
                                + " has "
                                + (estimator.schedulable().isEmpty()
                                        ? "none"
                                        : estimator.schedulable().toString())));
        for (int epoch = 0; epoch < loop.epochs(); epoch++) {
            float value = (float) schedule.lr(setting.initial(), epoch);
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new InvalidSettingException(
                        option,
                        "must keep " + name + " finite and > 0, got " + value + " at epoch " + (epoch + 1) + " from "
                                + name + " " + setting.initial());
            }
        }
        return setting;
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

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Settings of a {@link Trainer}; model, optimizer and train set are required. Those it shares
     * with the genetic algorithm (the data, epochs, batches, listeners) are {@link LoopBuilder}'s.
     */
    public static final class Builder extends LoopBuilder<Builder> {
        private Module model;
        private GradientEstimator estimator = new Backprop();
        private Optimizer<?> optimizer;
        private LrSchedule lrSchedule;
        private final Map<String, LrSchedule> settingSchedules = new LinkedHashMap<>();
        private Path checkpointFile;
        private Map<String, String> checkpointInfo = Map.of();
        private Checkpoint resumeFrom;

        private Builder() {
            super(true);
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

        /** The update rule, built on the model's parameters (or a part of them, the rest frozen). */
        public Builder optimizer(Optimizer<?> optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
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
            settingSchedules.put(
                    Objects.requireNonNull(setting, "setting"), Objects.requireNonNull(schedule, "schedule"));
            return this;
        }

        /** {@code schedule("sigma", sigmaSchedule)}: evolution strategies' σ, from its initial σ. */
        public Builder sigmaSchedule(LrSchedule sigmaSchedule) {
            return schedule("sigma", sigmaSchedule);
        }

        /**
         * Writes a {@link Checkpoint} with the caller's {@code info} entries to {@code file} at the
         * end of every epoch, replacing the previous one atomically; default none. The snapshot is
         * taken as the epoch ends and written on a background thread, so the next epoch does not
         * wait for the disk: the file always holds one complete checkpoint, and when the run
         * returns or fails, the last finished epoch's. Until then a snapshot that comes while
         * another is being written replaces any still waiting, so a process killed outright may
         * leave the checkpoint of an epoch shortly before its last.
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
        List<Tensor> parameters = model.parameters();
        DivergenceGuard guard = new DivergenceGuard(parameters, loop.maxLoss());
        if (resumeFrom != null) {
            resumeFrom.restore(model, optimizer, estimator);
        }
        // The last epoch's checkpoint is on disk when the run returns or fails, whatever the writer had pending.
        try (CheckpointWriter writer = checkpointFile == null ? null : new CheckpointWriter(checkpointFile)) {
            checkpoints = writer;
            long evaluations = resumeFrom == null ? 0 : resumeFrom.lossEvaluations();
            return new TrainingLoop(loop, model, parameters, guard)
                    .run(new Steps(parameters, guard, evaluations, writer), resumeFrom);
        }
    }

    /**
     * Waits until the checkpoint of the last epoch finished is on disk and writes no more for the
     * run in progress; nothing when no run is in progress. For a shutdown hook that keeps or moves
     * the checkpoint while the run's thread is still training.
     */
    public void finishCheckpoints() {
        CheckpointWriter writer = checkpoints;
        if (writer != null) {
            writer.close();
        }
    }

    /** One estimate and one optimizer step per batch, between the schedules and the checkpoints. */
    private final class Steps implements TrainingLoop.Method {
        private final List<Tensor> parameters;
        private final DivergenceGuard guard;
        private final float[] epochStart;
        private final CheckpointWriter checkpoints;
        private long evaluations;

        Steps(List<Tensor> parameters, DivergenceGuard guard, long evaluations, CheckpointWriter checkpoints) {
            this.parameters = parameters;
            this.guard = guard;
            this.epochStart = new float[Parameters.count(parameters)];
            this.evaluations = evaluations;
            this.checkpoints = checkpoints;
        }

        @Override
        public void startEpoch(int epoch) {
            if (lrSchedule != null) {
                lrSchedule.apply(optimizer, epoch);
            }
            settingSchedules.forEach((setting, schedule) -> schedule.apply(setting, epoch));
            Parameters.flatten(parameters, epochStart);
        }

        @Override
        public float step(int epoch, int index, long step, Batch batch) {
            Estimate estimate = estimator.estimate(model, loop.objective(), batch, step);
            evaluations += estimate.lossEvaluations();
            float loss = Float.isNaN(estimate.loss()) ? BatchLoss.of(model, loop.objective(), batch) : estimate.loss();
            guard.checkBatchLoss(epoch, index, step, loss);
            guard.checkGradient(epoch, index, step, loss);
            optimizer.step();
            guard.checkWeights(epoch, index, step);
            return loss;
        }

        @Override
        public void endEpoch(int epoch) {
            checkWeightsMoved(epoch);
        }

        /** Whether the last step's gradient was 0 (or absent) for every parameter. */
        private boolean gradientIsZero() {
            for (Tensor p : parameters) {
                if (p.grad() != null
                        && !Arrays.equals(p.grad().data(), 0, p.size(), new float[p.size()], 0, p.size())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void epochDone(int epochsDone, long step, long elapsedNanos, long trainingNanos) {
            if (checkpoints != null) {
                checkpoints.submit(Checkpoint.of(
                        model,
                        optimizer,
                        estimator,
                        epochsDone,
                        step,
                        evaluations,
                        elapsedNanos,
                        trainingNanos,
                        checkpointInfo));
            }
        }

        @Override
        public long lossEvaluations() {
            return evaluations;
        }

        /**
         * Stops a run whose epoch left every weight as it was although a learning rate is not 0: its
         * steps vanish in float32 (too small a rate, or an estimate scaled down by too large a σ) or
         * the estimate is zero (a σ so small that every member's loss is the same). Blames the
         * estimator's first schedulable setting (ES's σ) when it has one, else the learning rate.
         */
        private void checkWeightsMoved(int epoch) {
            double[] lrs = optimizer.paramGroups().stream()
                    .mapToDouble(ParamGroup::lr)
                    .distinct()
                    .toArray();
            if (Arrays.stream(lrs).allMatch(lr -> lr == 0)) {
                return;
            }
            int offset = 0;
            for (Tensor p : parameters) {
                if (!Arrays.equals(p.data(), 0, p.size(), epochStart, offset, offset + p.size())) {
                    return;
                }
                offset += p.size();
            }
            String rate = "learning rate" + (lrs.length == 1 ? " " + lrs[0] : "s " + Arrays.toString(lrs));
            List<ScheduledSetting> settings = estimator.schedulable();
            String where = "epoch " + (epoch + 1) + " left every weight unchanged (" + rate;
            if (settings.isEmpty()) {
                throw new TrainingStalledException(
                        epoch,
                        "lr",
                        where
                                + (gradientIsZero()
                                        ? "): the gradient is exactly 0, so no learning rate moves them; the loss does not depend on"
                                                + " the weights (activations that vanish in float32, dead units)"
                                        : "): the steps are too small to change a float32 weight; raise the learning rate"));
            }
            ScheduledSetting s = settings.get(0);
            throw new TrainingStalledException(
                    epoch,
                    s.name(),
                    where + ", " + s.name() + " " + s.value() + "): the"
                            + " estimate is zero or too small to change a float32 weight; " + s.name()
                            + " is likely wrong"
                            + " (too large scales the estimate down, too small leaves every perturbed loss the same)");
        }
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Batcher;
import java.util.List;

/**
 * The epoch loop of a {@link Trainer} and a {@link GeneticAlgorithm}: the seeded batches of each
 * epoch, one step per batch, the listeners, the test metrics after each epoch and the hooks around
 * it. What a step is belongs to the method.
 */
final class TrainingLoop {

    /** What a training method does in the loop. */
    interface Method {

        /** Before the epoch's first batch (schedules). */
        default void startEpoch(int epoch) {}

        /**
         * Trains on {@code batch}, batch {@code index} of {@code epoch} and global step {@code step};
         * returns the batch's loss at the weights before the step.
         */
        float step(int epoch, int index, long step, Batch batch);

        /** After the epoch's last step, before the test set is evaluated at the model's weights. */
        default void endEpoch(int epoch) {}

        /**
         * After the epoch's metrics went to the listeners, with {@code epochsDone} epochs done; the
         * times as {@link EpochMetrics}'.
         */
        default void epochDone(int epochsDone, long step, long elapsedNanos, long trainingNanos) {}

        /** Loss evaluations since the start of the run. */
        long lossEvaluations();
    }

    private final LoopSettings settings;
    private final Module model;
    private final List<Tensor> stepParameters;
    private final DivergenceGuard guard;

    /**
     * @param model the model the test set is evaluated with
     * @param stepParameters what a {@link TrainingStep} shows: the parameters whose grads hold the step's
     *     gradient, or none
     */
    TrainingLoop(LoopSettings settings, Module model, List<Tensor> stepParameters, DivergenceGuard guard) {
        this.settings = settings;
        this.model = model;
        this.stepParameters = stepParameters;
        this.guard = guard;
    }

    /**
     * Runs the epochs after those {@code resumed} has done (all when it is null), counting steps and
     * time on from its.
     */
    TrainingResult run(Method method, Checkpoint resumed) {
        Batcher batcher =
                new Batcher(settings.train(), settings.batchSize(), settings.shuffle(), settings.seed(), false);
        List<TrainingListener> listeners = settings.listeners();
        for (TrainingListener l : listeners) {
            l.onStart(settings.epochs(), batcher.batchesPerEpoch());
        }
        long start = System.nanoTime() - (resumed == null ? 0 : resumed.elapsedNanos());
        long training = resumed == null ? 0 : resumed.trainingNanos();
        long step = resumed == null ? 0 : resumed.step();
        float testLoss = Float.NaN;
        float testAccuracy = Float.NaN;
        for (int epoch = resumed == null ? 0 : resumed.epoch(); epoch < settings.epochs(); epoch++) {
            method.startEpoch(epoch);
            double lossSum = 0;
            int index = 0;
            for (Batch batch : batcher.epoch(epoch)) {
                long stepStart = System.nanoTime();
                float loss = method.step(epoch, index, step, batch);
                training += System.nanoTime() - stepStart;
                TrainingStep event = new TrainingStep(epoch, index, step, loss, stepParameters);
                for (TrainingListener l : listeners) {
                    l.onStep(event);
                }
                lossSum += loss;
                index++;
                step++;
            }
            method.endEpoch(epoch);
            if (settings.test() != null) {
                Metrics.Evaluation evaluation = Metrics.evaluate(model, settings.objective(), settings.test());
                testLoss = evaluation.loss();
                guard.checkTestLoss(epoch, step - 1, testLoss);
                testAccuracy = evaluation.accuracy();
            }
            EpochMetrics metrics = new EpochMetrics(
                    epoch,
                    (float) (lossSum / Math.max(1, index)),
                    testLoss,
                    testAccuracy,
                    method.lossEvaluations(),
                    System.nanoTime() - start,
                    training);
            for (TrainingListener l : listeners) {
                l.onEpoch(metrics);
            }
            method.epochDone(epoch + 1, step, System.nanoTime() - start, training);
        }
        return new TrainingResult(
                testAccuracy, testLoss, settings.epochs(), method.lossEvaluations(), System.nanoTime() - start);
    }
}

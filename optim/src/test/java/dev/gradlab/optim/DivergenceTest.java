package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs that blow up stop at the step that blew up, numbered from 1 as the epoch lines are. */
class DivergenceTest {

    private static final DataSplit SUBSET = FashionMnist.subset();

    private static Trainer.Builder trainer(Sequential model, float lr, int batch, int epochs, List<EpochMetrics> seen) {
        return Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), lr, 0.9f))
                .train(SUBSET.train())
                .test(SUBSET.test())
                .epochs(epochs)
                .batchSize(batch)
                .shuffle(false)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        seen.add(m);
                    }
                });
    }

    @Test
    void aLossAboveTheBoundStopsTraining() {
        List<EpochMetrics> seen = new ArrayList<>();
        Sequential model = new Sequential(new Linear(784, 16, false, 1), new ReLU(), new Linear(16, 10, false, 2));
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> trainer(model, 1e6f, 100, 2, seen).build().run());
        assertTrue(e.loss() > 1e4f && Float.isFinite(e.loss()), e.getMessage());
        assertTrue(e.getMessage().contains("above the bound of 10000.0"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("at step " + (e.step() + 1) + " (epoch " + (e.epoch() + 1) + ", batch "
                                + (e.batch() + 1) + ")"),
                e.getMessage());
        assertTrue(seen.stream().allMatch(m -> m.trainLoss() <= 1e4f), seen.toString());
    }

    @Test
    void theBoundCanBeSetAndTurnedOff() {
        Sequential model = new Sequential(new Linear(784, 16, false, 1), new ReLU(), new Linear(16, 10, false, 2));
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> trainer(model, 0.01f, 100, 1, new ArrayList<>())
                        .maxLoss(1f)
                        .build()
                        .run());
        assertEquals(0, e.step(), "cross-entropy starts near 2.3, above a bound of 1");
        assertTrue(
                e.getMessage()
                        .startsWith("loss is " + e.loss() + " at step 1 (epoch 1, batch 1), above the bound of 1.0"),
                e.getMessage());
        List<EpochMetrics> seen = new ArrayList<>();
        trainer(model, 0.01f, 100, 1, seen)
                .maxLoss(Float.POSITIVE_INFINITY)
                .build()
                .run();
        assertEquals(1, seen.size());
    }

    @Test
    void nonFiniteWeightsAreCaughtAtTheStepThatMadeThem() {
        List<EpochMetrics> seen = new ArrayList<>();
        Sequential model = new Sequential(new Linear(784, 16, false, 1), new ReQU(), new Linear(16, 10, false, 2));
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> trainer(model, 1e5f, 1000, 4, seen)
                        .maxLoss(Float.POSITIVE_INFINITY)
                        .build()
                        .run());
        assertEquals(seen.size(), e.epoch(), "no epoch line after the divergence: " + seen);
        assertTrue(
                seen.stream().allMatch(m -> Float.isFinite(m.testLoss()) && Float.isFinite(m.trainLoss())),
                seen.toString());
        assertTrue(e.getMessage().contains("epoch " + (seen.size() + 1)), e.getMessage());
    }

    @Test
    void theWeightScanNamesTheElement() {
        Tensor w = Tensor.zeros(3, 4);
        DivergenceGuard guard = new DivergenceGuard(List.of(Tensor.zeros(2), w), 1e4f);
        guard.checkWeights(0, 0, 0);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> {
            w.data()[7] = Float.NaN;
            guard.checkWeights(2, 4, 24);
        });
        assertEquals(
                "weights are not finite after step 25 (epoch 3, batch 5): parameter 1 has NaN at index 7:"
                        + " training diverged; lower the learning rate or sigma",
                e.getMessage());
        w.data()[7] = 3e19f;
        assertTrue(assertThrows(TrainingDivergedException.class, () -> guard.checkWeights(0, 0, 0))
                .getMessage()
                .contains("the sum of squares of parameter 1 overflows"));
    }

    @Test
    void aNonFiniteTestLossIsCaught() {
        DivergenceGuard guard = new DivergenceGuard(List.of(), 1e4f);
        assertEquals(
                "test loss is NaN after epoch 2: training diverged; lower the learning rate or sigma",
                assertThrows(TrainingDivergedException.class, () -> guard.checkTestLoss(1, 19, Float.NaN))
                        .getMessage());
    }

    @Test
    void emptyDataSetsAreRefused() {
        Dataset empty = new Dataset(new float[0], new int[0], 784, 10);
        Sequential model = new Sequential(new Linear(784, 10, false, 1));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(model, empty));
        assertThrows(IllegalArgumentException.class, () -> Metrics.loss(model, empty));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder()
                        .model(model)
                        .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                        .train(empty)
                        .build());
        assertEquals("train and test sets must not be empty, got 0 training and no test examples", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().maxLoss(0f));
    }

    @Test
    void aFiniteDifferenceStepTooSmallToMoveTheLossSaysToRaiseIt() {
        Sequential model = new Sequential(new Linear(784, 8, false, 1), new ReLU(), new Linear(8, 10, false, 2));
        var x = SUBSET.train().imagesTensor();
        int[] labels = SUBSET.train().labels();
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> FiniteDifferences.directional(4, 1e-12f, 1).estimate(model, x, labels, 0));
        assertTrue(
                e.getMessage()
                        .startsWith("fd-directional(K=4, eps=1.0E-12): all 4 perturbed losses equal the unperturbed"
                                + " one, so the estimate would be 0: the step 1.0E-12 is too small"),
                e.getMessage());
    }

    @Test
    void anEvolutionStrategiesSigmaTooSmallForFloatSaysToRaiseIt() {
        Sequential model = new Sequential(new Linear(784, 8, false, 1), new ReLU(), new Linear(8, 10, false, 2));
        var es = EvolutionStrategies.builder()
                .population(4)
                .sigma(1e-30f)
                .antithetic(false)
                .rankShaping(false)
                .seed(1)
                .build();
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> Trainer.builder()
                        .model(model)
                        .estimator(es)
                        .optimizer(new Adam(model.parameters(), 0.01f))
                        .train(SUBSET.train())
                        .batchSize(100)
                        .build()
                        .run());
        assertTrue(
                e.getMessage().startsWith("gradient is not finite at step 1 (epoch 1, batch 1) while the loss is "),
                e.getMessage());
        assertTrue(
                e.getMessage().endsWith("sigma (the perturbation) is too small for float32: raise it"), e.getMessage());
    }
}

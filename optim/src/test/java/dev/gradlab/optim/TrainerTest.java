package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.simd.Parallel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /** 200 examples of 100 features in 10 classes: enough to see training work, fast to run. */
    private static Dataset synthetic(long seed) {
        int n = 200;
        int f = 100;
        float[] images = Fixtures.inputs(n, f, seed).data().clone();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            // The class is the index of the largest of the first 10 features: learnable.
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (images[i * f + c] > images[i * f + best]) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        return new Dataset(images, labels, f, 10);
    }

    @Test
    void backpropSgdLearnsTheSubset() {
        DataSplit split = FashionMnist.subset();
        Sequential model = new Sequential(new Linear(784, 32, false, 1), new Sigmoid(), new Linear(32, 10, false, 2));
        List<EpochMetrics> epochs = new ArrayList<>();
        TrainingResult result = Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.1f, 0.9f))
                .train(split.train())
                .test(split.test())
                .epochs(5)
                .batchSize(100)
                .seed(3)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        epochs.add(m);
                    }
                })
                .build()
                .run();
        assertEquals(5, epochs.size());
        assertEquals(50, result.lossEvaluations());
        assertTrue(epochs.get(4).trainLoss() < epochs.get(0).trainLoss(), epochs.toString());
        assertTrue(result.testAccuracy() > 0.65f, "test accuracy " + result.testAccuracy());
        assertEquals(result.testAccuracy(), Metrics.accuracy(model, split.test()));
        // The time in the steps, cumulative, is part of the elapsed time, which also holds each
        // epoch's evaluation of the test set.
        for (int e = 0; e < 5; e++) {
            EpochMetrics m = epochs.get(e);
            assertTrue(m.trainingNanos() > (e == 0 ? 0 : epochs.get(e - 1).trainingNanos()), epochs.toString());
            assertTrue(m.trainingNanos() < m.elapsedNanos(), epochs.toString());
        }
    }

    @Test
    void esTrainingIsReproducibleAndTheSameOnOneAndTwoThreads() {
        float[] one;
        try (var t = Parallel.withThreads(1)) {
            one = esRun();
            assertArrayEquals(one, esRun());
        }
        try (var t = Parallel.withThreads(2)) {
            assertArrayEquals(one, esRun());
        }
    }

    /** Two epochs of antithetic, rank-shaped ES with Adam; returns the final weights. */
    private static float[] esRun() {
        Sequential model = Fixtures.wide();
        var es = EvolutionStrategies.builder()
                .population(16)
                .sigma(0.05f)
                .antithetic(true)
                .rankShaping(true)
                .seed(4)
                .build();
        List<Float> losses = new ArrayList<>();
        Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(synthetic(1))
                .epochs(2)
                .batchSize(50)
                .seed(5)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        losses.add(step.loss());
                    }
                })
                .build()
                .run();
        assertEquals(8, losses.size());
        // Each epoch sees every row once, so the epochs' mean losses compare; single batches do not.
        double first = (losses.get(0) + losses.get(1) + losses.get(2) + losses.get(3)) / 4.0;
        double second = (losses.get(4) + losses.get(5) + losses.get(6) + losses.get(7)) / 4.0;
        assertTrue(second < first, "losses " + losses);
        return Parameters.flatten(model.parameters());
    }

    @Test
    void aNanLossStopsTrainingNamingTheStep() {
        Dataset data = synthetic(2);
        data.images()[137 * 100 + 5] = Float.NaN; // example 137: batch 13 of epoch 0 without shuffling
        Sequential model = sigmoidNet();
        var trainer = Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.01f, 0f))
                .train(data)
                .epochs(1)
                .batchSize(10)
                .shuffle(false)
                .build();
        var e = assertThrows(TrainingDivergedException.class, trainer::run);
        assertEquals(13, e.step());
        assertEquals(13, e.batch());
        assertEquals(0, e.epoch());
        assertTrue(e.getMessage().startsWith("loss is NaN at step 14 (epoch 1, batch 14)"), e.getMessage());
    }

    /** Sigmoid passes NaN on (a ReLU maps it to 0, as max(NaN, 0) may). */
    private static Sequential sigmoidNet() {
        return new Sequential(new Linear(100, 16, true, 31), new Sigmoid(), new Linear(16, 10, true, 32));
    }

    @Test
    void aNonFiniteGradientStopsTrainingBeforeTheOptimizerUsesIt() {
        Sequential model = sigmoidNet();
        // Injects NaN into the gradient at step 2 (counted from 0), which would make the weights NaN.
        GradientEstimator poisoned = new GradientEstimator() {
            private final Backprop backprop = new Backprop();

            @Override
            public Estimate estimate(
                    dev.gradlab.core.nn.Module m,
                    dev.gradlab.core.Objective objective,
                    dev.gradlab.core.Batch batch,
                    long step) {
                Estimate e = backprop.estimate(m, objective, batch, step);
                if (step == 2) {
                    m.parameters().get(0).grad().data()[0] = Float.NaN;
                }
                return e;
            }

            @Override
            public String name() {
                return "poisoned";
            }
        };
        var trainer = Trainer.builder()
                .model(model)
                .estimator(poisoned)
                .optimizer(new Sgd(model.parameters(), 0.01f, 0.9f))
                .train(synthetic(3))
                .epochs(3)
                .batchSize(50)
                .build();
        var e = assertThrows(TrainingDivergedException.class, trainer::run);
        assertEquals(2, e.step());
        assertTrue(
                e.getMessage()
                        .startsWith("gradient is not finite at step 3 (epoch 1, batch 3) while the loss is " + e.loss()
                                + ": the gradient of parameter 0 has NaN at index 0"),
                e.getMessage());
        assertTrue(Float.isFinite(model.parameters().get(0).data()[0]), "the optimizer did not step with it");
    }

    @Test
    void anOptimizerOfAnotherModelsParametersIsRefusedNamingBoth() {
        Sequential model = sigmoidNet();
        Sequential other = sigmoidNet();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder()
                        .model(model)
                        .optimizer(new Sgd(other.parameters(), 0.1f, 0f))
                        .train(synthetic(4))
                        .build());
        assertTrue(
                e.getMessage()
                        .startsWith("optimizer must update the model's parameters, but its parameter 0 (shape"
                                + " [16, 100]) is none of the model's 4 parameter tensors"),
                e.getMessage());
        // A part of the model's parameters (the others frozen) is fine.
        Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters().subList(2, 4), 0.1f, 0f))
                .train(synthetic(4))
                .build();
    }

    @Test
    void aMissingModelOrOptimizerOrTrainingSetIsNamed() {
        Sequential model = sigmoidNet();
        var e = assertThrows(
                IllegalStateException.class,
                () -> Trainer.builder()
                        .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                        .train(synthetic(4))
                        .build());
        assertEquals("model is not set: Trainer.builder().model(...) is required", e.getMessage());
        e = assertThrows(
                IllegalStateException.class,
                () -> Trainer.builder().model(model).train(synthetic(4)).build());
        assertEquals("optimizer is not set: Trainer.builder().optimizer(...) is required", e.getMessage());
        e = assertThrows(
                IllegalStateException.class,
                () -> Trainer.builder()
                        .model(model)
                        .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                        .build());
        assertEquals("train is not set: Trainer.builder().train(...) is required", e.getMessage());
    }

    @Test
    void aBatchLargerThanTheTrainingSetIsRefused() {
        Sequential model = sigmoidNet();
        var e = assertThrows(
                dev.gradlab.core.InvalidSettingException.class,
                () -> Trainer.builder()
                        .model(model)
                        .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                        .train(synthetic(4))
                        .batchSize(201)
                        .build());
        assertEquals("batchSize", e.setting());
        assertEquals("batchSize must be <= the training set's size 200, got 201", e.getMessage());
        Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                .train(synthetic(4))
                .batchSize(200)
                .build();
    }

    @Test
    void aListenerSeesEveryStepWithTheGradientItUsed() {
        Dataset data = synthetic(5);
        Sequential model = sigmoidNet();
        // The first step's gradient is backprop's on the first 50 rows at the initial weights.
        dev.gradlab.core.Tensor x =
                dev.gradlab.core.Tensor.of(java.util.Arrays.copyOf(data.images(), 50 * 100), 50, 100);
        float[] expected =
                Fixtures.gradient(new Backprop(), sigmoidNet(), x, java.util.Arrays.copyOf(data.labels(), 50), 0);
        List<TrainingStep> steps = new ArrayList<>();
        List<float[]> gradients = new ArrayList<>();
        Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.1f, 0.9f))
                .train(data)
                .epochs(2)
                .batchSize(50)
                .shuffle(false)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        steps.add(step);
                        float[] g = new float[Parameters.count(step.parameters())];
                        Parameters.flattenGrads(step.parameters(), g);
                        gradients.add(g);
                    }
                })
                .build()
                .run();
        assertEquals(8, steps.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(i / 4, steps.get(i).epoch());
            assertEquals(i % 4, steps.get(i).batch());
            assertEquals(i, steps.get(i).step());
            assertTrue(
                    Float.isFinite(steps.get(i).loss()) && steps.get(i).loss() > 0,
                    steps.get(i).toString());
        }
        assertEquals(model.parameters(), steps.get(0).parameters());
        assertArrayEquals(expected, gradients.get(0));
        assertTrue(EstimatorComparison.relativeError(gradients.get(0), gradients.get(1)) > 0.01, "each step its own");
    }

    @Test
    void listenersAddUpAndAreCalledInTheOrderAdded() {
        Sequential model = sigmoidNet();
        List<String> calls = new ArrayList<>();
        Trainer.Builder b = Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                .train(synthetic(6))
                .batchSize(100);
        for (String name : new String[] {"a", "b"}) {
            b.listener(new TrainingListener() {
                @Override
                public void onStart(int epochs, int batchesPerEpoch) {
                    calls.add(name + " start " + epochs + "x" + batchesPerEpoch);
                }

                @Override
                public void onStep(TrainingStep step) {
                    calls.add(name + " step " + step.step());
                }

                @Override
                public void onEpoch(EpochMetrics m) {
                    calls.add(name + " epoch " + m.epoch());
                }
            });
        }
        b.build().run();
        assertEquals(
                List.of(
                        "a start 1x2",
                        "b start 1x2",
                        "a step 0",
                        "b step 0",
                        "a step 1",
                        "b step 1",
                        "a epoch 0",
                        "b epoch 0"),
                calls);
    }
}

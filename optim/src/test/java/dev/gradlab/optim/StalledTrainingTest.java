package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An epoch that leaves every weight as it was, with a learning rate that is not 0, stops the run. */
class StalledTrainingTest {

    private static Dataset data() {
        return new Dataset(Fixtures.inputs(60, 100, 1).data().clone(), Fixtures.labels(60, 10, 2), 100, 10);
    }

    @Test
    void aSigmaSoLargeThatNoWeightMovesIsNamed() {
        // As `gradlab train --method es --sigma 1e30`: the estimate's 1/σ makes every step vanish in float32.
        Sequential model = Fixtures.wide();
        float[] start = Parameters.flatten(model.parameters());
        var es = EvolutionStrategies.builder()
                .population(8)
                .sigma(1e30f)
                .antithetic(true)
                .rankShaping(true)
                .perturbation(Perturbation.lowRank(1))
                .seed(4)
                .build();
        var trainer = Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(data())
                .epochs(3)
                .batchSize(20)
                .build();
        var e = assertThrows(TrainingStalledException.class, trainer::run);
        assertEquals("sigma", e.setting());
        assertEquals(0, e.epoch());
        assertTrue(
                e.getMessage().startsWith("epoch 1 left every weight unchanged (learning rate 0.01, sigma 1.0E30)"),
                e.getMessage());
        assertArrayEquals(start, Parameters.flatten(model.parameters()));
    }

    @Test
    void aLearningRateTooSmallForFloat32IsNamed() {
        Sequential model = Fixtures.wide();
        var trainer = Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 1e-30f, 0f))
                .train(data())
                .epochs(2)
                .batchSize(20)
                .build();
        var e = assertThrows(TrainingStalledException.class, trainer::run);
        assertEquals("lr", e.setting());
        assertEquals(0, e.epoch());
        assertTrue(
                e.getMessage().startsWith("epoch 1 left every weight unchanged (learning rate 1.0E-30)"),
                e.getMessage());
    }

    @Test
    void aLearningRateOfZeroIsAChoiceNotAStall() {
        Sequential model = Fixtures.wide();
        float[] start = Parameters.flatten(model.parameters());
        Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0f, 0f))
                .train(data())
                .epochs(2)
                .batchSize(20)
                .build()
                .run();
        assertArrayEquals(start, Parameters.flatten(model.parameters()));
    }

    @Test
    void aGradientThatIsExactlyZeroIsSaidToBe() {
        // A zero-weight last layer has a gradient, but a zero-weight hidden layer before a ReLU leaves
        // every activation 0: the output layer's gradient is 0 too, and no rate moves anything.
        Sequential model = new Sequential(
                new dev.gradlab.core.nn.Linear(100, 8, false, 1),
                new dev.gradlab.core.nn.ReLU(),
                new dev.gradlab.core.nn.Linear(8, 10, false, 2));
        java.util.Arrays.fill(model.parameters().get(0).data(), 0f);
        java.util.Arrays.fill(model.parameters().get(1).data(), 0f);
        var trainer = Trainer.builder()
                .model(model)
                .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                .train(data())
                .epochs(2)
                .batchSize(20)
                .build();
        var e = assertThrows(TrainingStalledException.class, trainer::run);
        assertEquals("lr", e.setting());
        assertEquals(
                "epoch 1 left every weight unchanged (learning rate 0.1): the gradient is exactly 0, so no learning"
                        + " rate moves them; the loss does not depend on the weights (activations that vanish in float32, dead"
                        + " units)",
                e.getMessage());
    }

    @Test
    void aRateThatIsZeroInFloat32IsRefusedUnlessItIsZero() {
        // The update runs in float32: a double rate below half the smallest float32 would silently be 0.
        Sequential model = Fixtures.tiny();
        Sgd sgd = new Sgd(model.parameters(), 0.1f, 0f);
        var e = assertThrows(
                dev.gradlab.core.InvalidSettingException.class,
                () -> sgd.paramGroups().get(0).setLr(1e-46));
        assertEquals("lr", e.setting());
        assertEquals("lr must be 0 or at least 1.4E-45 (the smallest float32 above 0), got 1.0E-46", e.getMessage());
        assertThrows(
                dev.gradlab.core.InvalidSettingException.class,
                () -> new Adam(List.of(new Adam.Group(model.parameters(), 1e-46, 0.9, 0.999, 1e-8, 0))));
        sgd.paramGroups().get(0).setLr(0);
        sgd.paramGroups().get(0).setLr(Float.MIN_VALUE);
    }
}

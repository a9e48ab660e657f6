package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import org.junit.jupiter.api.Test;

/** Training on a regression objective, MSE to one-hot targets, by backprop and by ES, through the public API. */
class ObjectiveTrainingTest {

    private static final DataSplit DATA = FashionMnist.subset();

    private static Sequential mlp() {
        var g = new TorchGenerator(3);
        return new Sequential(new Linear(784, 32, true, g), new Sigmoid(), new Linear(32, 10, true, g));
    }

    private static void trainsOnMse(
            GradientEstimator estimator, java.util.function.Function<Sequential, Optimizer> opt, int epochs) {
        Sequential model = mlp();
        Objective mse = Objective.oneHotMse();
        float before = Metrics.loss(model, mse, DATA.test());
        TrainingResult r = Trainer.builder()
                .model(model)
                .estimator(estimator)
                .objective(mse)
                .optimizer(opt.apply(model))
                .train(DATA.train())
                .test(DATA.test())
                .epochs(epochs)
                .batchSize(100)
                .seed(1)
                .build()
                .run();
        float after = Metrics.loss(model, mse, DATA.test());
        assertEquals(after, r.testLoss(), 1e-6f, "the trainer reports the objective it minimised");
        assertTrue(after < 0.6f * before, estimator.name() + ": test MSE " + before + " -> " + after);
        assertTrue(r.testAccuracy() > 0.6f, estimator.name() + ": test accuracy " + r.testAccuracy());
    }

    @Test
    void backpropTrainsOnMse() {
        trainsOnMse(new Backprop(), m -> new Sgd(m.parameters(), 0.5f, 0.9f), 5);
    }

    @Test
    void evolutionStrategiesTrainOnMse() {
        var es = EvolutionStrategies.builder()
                .population(50)
                .sigma(0.05f)
                .antithetic(true)
                .rankShaping(true)
                .perturbation(Perturbation.lowRank(1))
                .seed(2)
                .build();
        trainsOnMse(es, m -> new Adam(m.parameters(), 0.01f), 15);
    }

    /** The README's ES example, as printed there but for the number of epochs. */
    @Test
    void theReadmeExampleTrains() {
        var g = new TorchGenerator(42);
        var model = new Sequential(new Linear(784, 512, false, g), new Sigmoid(), new Linear(512, 10, false, g));
        var data = FashionMnist.subset();
        var es = EvolutionStrategies.builder()
                .population(100)
                .sigma(0.05f)
                .antithetic(true)
                .rankShaping(true)
                .perturbation(Perturbation.lowRank(1))
                .seed(1)
                .build();
        TrainingResult result = Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .objective(Objective.crossEntropy())
                .train(data.train())
                .test(data.test())
                .epochs(3)
                .batchSize(100)
                .build()
                .run();
        assertTrue(result.testAccuracy() > 0.3f, "test accuracy after 3 epochs " + result.testAccuracy());
    }

    @Test
    void mseOnTargetsIsPyTorchsMseLoss() {
        Tensor out = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2);
        Tensor target = Tensor.of(new float[] {0f, 2f, 1f, 4f}, 2, 2);
        Batch b = Batch.regression(Tensor.zeros(2, 3), target);
        assertEquals((1f + 0f + 4f + 0f) / 4, Objective.mse().value(out, b), 1e-7f);
        Batch labels = Batch.of(Tensor.zeros(2, 3), new int[] {1, 0});
        // one-hot rows [0, 1] and [1, 0]: (1 + 1 + 4 + 16) / 4
        assertEquals(22f / 4, Objective.oneHotMse().value(out, labels), 1e-6f);
    }
}

package com.example.gradlab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.Sgd;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.simd.Simd;
import org.junit.jupiter.api.Test;

/** An MLP with the user's SiLU learns the embedded Fashion-MNIST subset by backprop and by low-rank ES. */
class TrainingTest {

    private static final DataSplit DATA = FashionMnist.subset();

    private static Sequential mlp() {
        var g = new TorchGenerator(42);
        return new Sequential(new Linear(784, 64, true, g), new SiluLayer(), new Linear(64, 10, true, g));
    }

    @Test
    void runsOnTheVectorApi() {
        // This project is a named module, so the Vector API is there without --add-modules.
        assertTrue(Simd.vectorized(), Simd.describe());
    }

    @Test
    void backpropAndSgd() {
        var model = mlp();
        TrainingResult result = Trainer.builder().model(model)
                .optimizer(new Sgd(model.parameters(), 0.05f, 0.9f))
                .train(DATA.train()).test(DATA.test()).epochs(10).seed(1).build().run();
        assertTrue(result.testAccuracy() > 0.72f, "test accuracy " + result.testAccuracy());
    }

    @Test
    void lowRankEvolutionStrategiesAndAdam() {
        var model = mlp();
        var es = EvolutionStrategies.builder().population(100).sigma(0.05f).antithetic(true).rankShaping(true)
                .perturbation(Perturbation.lowRank(1)).seed(1).build();
        TrainingResult result = Trainer.builder().model(model).estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(DATA.train()).test(DATA.test()).epochs(10).seed(1).build().run();
        assertTrue(result.testAccuracy() > 0.65f, "test accuracy " + result.testAccuracy());
    }
}

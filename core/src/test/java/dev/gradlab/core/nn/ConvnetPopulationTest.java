package dev.gradlab.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The convnet modules have no population path of their own yet: ES and GA evaluate them through the
 * functional fallback, which must give each member the loss of the plain forward at its perturbed
 * weights.
 */
class ConvnetPopulationTest {

    /** A small convnet on 8×8 single-channel images given as rows of 64, every new module on the way. */
    private static Sequential smallConvnet() {
        TorchGenerator generator = new TorchGenerator(3);
        Sequential model = new Sequential(new Unflatten(1, 1, 8, 8), new Conv2d(1, 3, 3, 1, 1, true, generator), new ReLU(),
                new MaxPool2d(2), new Conv2d(3, 4, 3, generator), new AvgPool2d(2, 1), new Dropout(0.5f, 1),
                new Flatten(), new Linear(4, 5, true, generator));
        model.eval(); // as populations run: dropout off
        return model;
    }

    private static Batch batch() {
        Random r = new Random(5);
        float[] x = new float[6 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return Batch.of(Tensor.wrap(x, 6, 64), r.ints(6, 0, 5).toArray());
    }

    @Test
    void populationLossesEqualThePlainPerturbedForward() {
        Sequential model = smallConvnet();
        Batch batch = batch();
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1)}) {
            Population population = Population.es(p, 0.05f, true, 11, 0, 4);
            float[] losses = new float[population.members()];
            float[] w0 = Parameters.flatten(model.parameters());
            PopulationEvaluator evaluator = new PopulationEvaluator();
            evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses);
            assertFalse(evaluator.fallbacks().isEmpty(), "the convnet layers take the functional fallback");
            assertArrayEquals(w0, Parameters.flatten(model.parameters()), "the model is left as it was");

            List<Tensor> params = model.parameters();
            try (var scope = Tape.noGrad()) {
                for (int m = 0; m < population.members(); m++) {
                    population.apply(m / 2, (m % 2 == 0 ? 1 : -1) * population.sigma(), params);
                    float expected = Objective.crossEntropy().value(model.forward(batch.inputs()), batch);
                    Parameters.unflatten(w0, params);
                    assertEquals(expected, losses[m], 1e-5f * Math.max(1, Math.abs(expected)), p + " member " + m);
                }
            }
        }
    }

    @Test
    void populationLossesAreBitIdenticalOnOneAndTwoThreads() {
        Sequential model = smallConvnet();
        Population population = Population.es(Perturbation.lowRank(1), 0.05f, true, 2, 1, 6);
        float[][] losses = new float[2][population.members()];
        for (int t = 1; t <= 2; t++) {
            try (var threads = Parallel.withThreads(t)) {
                new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch(), population, losses[t - 1]);
            }
        }
        assertArrayEquals(losses[0], losses[1]);
    }
}

package dev.gradlab.core.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Populations with one noise scale per parameter element (PGPE's and SNES's σ vector). */
class ScaledPopulationTest {

    private static Sequential model() {
        return new Sequential(new Linear(5, 4, true, 1), new Tanh(), new Linear(4, 3, false, 2));
    }

    private static float[] scale(int n) {
        Random r = new Random(3);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = 0.01f + 0.2f * r.nextFloat();
        }
        return s;
    }

    private static Batch batch() {
        return Batch.of(Tensor.normal(8, 0f, 1f, 10, 5), new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
    }

    @Test
    void eachElementsNoiseIsMultipliedByItsScale() {
        Sequential model = model();
        List<Tensor> params = model.parameters();
        int n = Parameters.count(params);
        float[] s = scale(n);
        Population plain = Population.es(Perturbation.fullRank(), 1f, true, 9, 2, 3);
        Population scaled = plain.scaled(s);
        float[] w0 = Parameters.flatten(params);
        plain.apply(1, 1f, params);
        float[] z = Parameters.flatten(params);
        Parameters.unflatten(w0, params);
        scaled.apply(1, -1f, params);
        float[] moved = Parameters.flatten(params);
        for (int i = 0; i < n; i++) {
            assertEquals(w0[i] - s[i] * (z[i] - w0[i]), moved[i], 1e-6f, "element " + i);
        }
    }

    @Test
    void theEvaluatorsLossesAreThoseOfTheScaledMembersOnAnyThreadCount() {
        Sequential model = model();
        Batch batch = batch();
        Population population = Population.es(Perturbation.fullRank(), 0.5f, true, 4, 1, 5)
                .scaled(scale(Parameters.count(model.parameters())));
        float[] expected = PopulationEvaluatorTest.memberByMember(model, Objective.crossEntropy(), batch, population);
        float[][] losses = new float[2][population.members()];
        for (int threads = 1; threads <= 2; threads++) {
            try (var t = Parallel.withThreads(threads)) {
                new PopulationEvaluator()
                        .evaluate(model, Objective.crossEntropy(), batch, population, losses[threads - 1]);
            }
        }
        assertArrayEquals(losses[0], losses[1]);
        for (int m = 0; m < expected.length; m++) {
            assertEquals(expected[m], losses[0][m], 1e-5f, "member " + m);
        }
        float[] unscaled = new float[population.members()];
        new PopulationEvaluator()
                .evaluate(
                        model,
                        Objective.crossEntropy(),
                        batch,
                        Population.es(Perturbation.fullRank(), 0.5f, true, 4, 1, 5),
                        unscaled);
        assertNotEquals(unscaled[0], losses[0][0]);
    }

    @Test
    void lowRankNoiseOrAScaleOfAnotherLengthIsRefused() {
        var lowRank = assertThrows(
                IllegalArgumentException.class,
                () -> Population.es(Perturbation.lowRank(1), 1f, false, 1, 0, 2).scaled(new float[3]));
        assertEquals("a per-parameter scale needs full-rank noise, got low-rank(r=1)", lowRank.getMessage());
        Population wrong =
                Population.es(Perturbation.fullRank(), 1f, false, 1, 0, 2).scaled(new float[3]);
        var length = assertThrows(
                IllegalArgumentException.class,
                () -> new PopulationEvaluator()
                        .evaluate(model(), Objective.crossEntropy(), batch(), wrong, new float[2]));
        assertEquals("the population's scale has 3 elements, the model's parameters 36", length.getMessage());
    }
}

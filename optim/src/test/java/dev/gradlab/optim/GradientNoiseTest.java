package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import org.junit.jupiter.api.Test;

class GradientNoiseTest {

    private static Dataset data(int rows) {
        return new Dataset(Fixtures.inputs(rows, 6, 5).data(), Fixtures.labels(rows, 3, 6), 6, 3);
    }

    @Test
    void theWholeDataAsOneBatchIsTheFullGradientAndSmallerBatchesAreNoisier() {
        Sequential model = Fixtures.tiny();
        Dataset d = data(200);
        float[] full = GradientNoise.fullGradient(model, d);
        GradientNoise.Stats all = GradientNoise.minibatch(model, d, full, 200, 2, 1);
        assertEquals(1.0, all.cosine(), 1e-5);
        assertEquals(0.0, all.relativeVariance(), 1e-8);
        GradientNoise.Stats one = GradientNoise.minibatch(model, d, full, 1, 30, 2);
        GradientNoise.Stats fifty = GradientNoise.minibatch(model, d, full, 50, 30, 3);
        assertTrue(one.cosine() < fifty.cosine(), one + " vs " + fifty);
        // Sampling without replacement: E‖g_B − g‖² shrinks roughly as (1 − B/n)/B.
        assertTrue(fifty.relativeVariance() < one.relativeVariance() / 10, one + " vs " + fifty);
    }

    @Test
    void evolutionStrategiesWithMorePerturbationsComeCloser() {
        Sequential model = Fixtures.tiny();
        Dataset d = data(50);
        float[] full = GradientNoise.fullGradient(model, d);
        GradientNoise.Stats few = GradientNoise.estimator(
                model,
                d,
                full,
                EvolutionStrategies.builder()
                        .population(2)
                        .sigma(0.01f)
                        .antithetic(true)
                        .rankShaping(false)
                        .seed(1)
                        .build(),
                5);
        GradientNoise.Stats many = GradientNoise.estimator(
                model,
                d,
                full,
                EvolutionStrategies.builder()
                        .population(500)
                        .sigma(0.01f)
                        .antithetic(true)
                        .rankShaping(false)
                        .seed(1)
                        .build(),
                2);
        assertTrue(many.cosine() > 0.8 && many.cosine() > few.cosine(), few + " vs " + many);
        assertThrows(IllegalArgumentException.class, () -> GradientNoise.minibatch(model, d, full, 51, 1, 0));
    }
}

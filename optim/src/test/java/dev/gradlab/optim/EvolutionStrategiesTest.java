package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.optim.search.CenterOptimizer;
import dev.gradlab.optim.search.OpenAiEs;
import dev.gradlab.simd.Parallel;
import org.junit.jupiter.api.Test;

class EvolutionStrategiesTest {

    private final Sequential model = Fixtures.tiny();
    private final Tensor x = Fixtures.inputs(16, 6, 1);
    private final int[] labels = Fixtures.labels(16, 3, 2);
    private final float[] exact = Fixtures.gradient(new Backprop(), model, x, labels, 0);
    private final int d = exact.length;

    @Test
    void antitheticCosineIsTheTheoreticalOne() {
        int n = 400;
        double sum = 0;
        int seeds = 8;
        for (int seed = 0; seed < seeds; seed++) {
            var es = EvolutionStrategies.builder()
                    .population(n)
                    .sigma(0.01f)
                    .antithetic(true)
                    .seed(seed)
                    .build();
            sum += EstimatorComparison.cosine(Fixtures.gradient(es, model, x, labels, 0), exact);
        }
        double theory = EstimatorComparison.theoreticalCosine(n, d);
        assertEquals(53, d);
        assertEquals(theory, sum / seeds, 0.02, "mean cosine over " + seeds + " seeds, theory " + theory);
    }

    @Test
    void antitheticIsUnbiasedInScaleToo() {
        float[] mean = meanOverSeeds(
                EvolutionStrategies.builder().population(400).sigma(0.01f).antithetic(true), 25);
        assertTrue(
                EstimatorComparison.relativeError(mean, exact) < 0.1,
                "relative error " + EstimatorComparison.relativeError(mean, exact));
    }

    @Test
    void vanillaIsUnbiased() {
        // Each estimate is almost pure noise (L(w)·v dominates); the mean over many seeds is not.
        float[] mean = new float[d];
        double z2 = meanSquaredZ(EvolutionStrategies.builder().population(500).sigma(0.1f), 250, exact, mean);
        assertTrue(z2 < 2.0, "mean squared z-score " + z2);
        assertTrue(
                EstimatorComparison.cosine(mean, exact) > 0.8,
                "cosine of the mean " + EstimatorComparison.cosine(mean, exact));
    }

    @Test
    void vanillaAndAntitheticShareTheirExpectation() {
        // Both are unbiased for the gradient of the Gaussian-smoothed loss; at a large sigma that
        // differs from the gradient, and the vanilla variance is low enough to pin the scale.
        float sigma = 0.25f;
        float[] smoothed = meanOverSeeds(
                EvolutionStrategies.builder().population(500).sigma(sigma).antithetic(true), 40);
        double z2 =
                meanSquaredZ(EvolutionStrategies.builder().population(500).sigma(sigma), 250, smoothed, new float[d]);
        assertTrue(z2 < 1.6, "mean squared z-score " + z2);
    }

    /**
     * The mean over {@code seeds} estimates (into {@code mean}), and the mean over coordinates of
     * its squared z-score against {@code expected}: about 1 when the estimator's expectation is
     * {@code expected}.
     */
    private double meanSquaredZ(EvolutionStrategies.Builder builder, int seeds, float[] expected, float[] mean) {
        float[][] estimates = new float[seeds][];
        for (int s = 0; s < seeds; s++) {
            estimates[s] = Fixtures.gradient(builder.seed(1000 + s).build(), model, x, labels, 0);
            for (int j = 0; j < d; j++) {
                mean[j] += estimates[s][j] / seeds;
            }
        }
        double z2 = 0;
        for (int j = 0; j < d; j++) {
            double var = 0;
            for (float[] e : estimates) {
                var += (e[j] - mean[j]) * (e[j] - mean[j]);
            }
            double z = (mean[j] - expected[j]) / Math.sqrt(var / (seeds - 1) / seeds);
            z2 += z * z;
        }
        return z2 / d;
    }

    @Test
    void baselineRemovesTheVanillaNoise() {
        var plain = EvolutionStrategies.builder()
                .population(400)
                .sigma(0.01f)
                .seed(3)
                .build();
        var baseline = EvolutionStrategies.builder()
                .population(400)
                .sigma(0.01f)
                .baseline(true)
                .seed(3)
                .build();
        double cosPlain = EstimatorComparison.cosine(Fixtures.gradient(plain, model, x, labels, 0), exact);
        double cosBaseline = EstimatorComparison.cosine(Fixtures.gradient(baseline, model, x, labels, 0), exact);
        assertTrue(Math.abs(cosPlain) < 0.3, "vanilla cosine " + cosPlain);
        assertTrue(cosBaseline > 0.8, "baseline cosine " + cosBaseline);
    }

    @Test
    void rankShapingKeepsTheDirection() {
        var es = EvolutionStrategies.builder()
                .population(400)
                .sigma(0.01f)
                .antithetic(true)
                .rankShaping(true)
                .seed(4)
                .build();
        double cos = EstimatorComparison.cosine(Fixtures.gradient(es, model, x, labels, 0), exact);
        assertTrue(cos > 0.8, "rank-shaped cosine " + cos);
    }

    @Test
    void aFlatObjectiveGivesAnExactlyZeroEstimate() {
        // Every member ties: rank shaping must not turn the order of equal losses into a direction.
        Objective flat = new Objective() {
            @Override
            public Tensor loss(Tensor output, Batch batch) {
                return output.sum().mul(Tensor.scalar(0f)).add(Tensor.scalar(1f));
            }

            @Override
            public String name() {
                return "flat";
            }
        };
        Batch batch = Batch.of(x, labels);
        for (boolean antithetic : new boolean[] {false, true}) {
            for (boolean baseline : new boolean[] {false, true}) {
                var es = EvolutionStrategies.builder()
                        .population(20)
                        .sigma(0.05f)
                        .antithetic(antithetic)
                        .rankShaping(true)
                        .baseline(baseline)
                        .perturbation(Perturbation.lowRank(1))
                        .seed(6)
                        .build();
                es.estimate(model, flat, batch, 0);
                float[] g = new float[d];
                Parameters.flattenGrads(model.parameters(), g);
                assertArrayEquals(new float[d], g, es.name());
            }
        }
    }

    @Test
    void fastPathAgreesWithTheGenericForward() {
        Module opaque = Fixtures.opaque(model);
        for (boolean antithetic : new boolean[] {false, true}) {
            var es = EvolutionStrategies.builder()
                    .population(30)
                    .sigma(0.05f)
                    .antithetic(antithetic)
                    .seed(5)
                    .build();
            float[] fast = Fixtures.gradient(es, model, x, labels, 7);
            float[] generic = Fixtures.gradient(es, opaque, x, labels, 7);
            assertTrue(
                    EstimatorComparison.relativeError(fast, generic) < 1e-3,
                    "antithetic=" + antithetic + ": relative difference "
                            + EstimatorComparison.relativeError(fast, generic));
        }
    }

    @Test
    void leavesTheWeightsAndReportsTheLoss() {
        Module opaque = Fixtures.opaque(model);
        float[] before = Parameters.flatten(model.parameters());
        float loss =
                BatchLoss.of(model, dev.gradlab.core.Objective.crossEntropy(), dev.gradlab.core.Batch.of(x, labels));
        for (Module m : new Module[] {model, opaque}) {
            var es = EvolutionStrategies.builder()
                    .population(10)
                    .antithetic(true)
                    .build();
            Estimate e = es.estimate(m, x, labels, 0);
            assertArrayEquals(before, Parameters.flatten(model.parameters()));
            assertEquals(21, e.lossEvaluations());
            assertEquals(loss, e.loss(), 1e-5f);
        }
    }

    @Test
    void lowRankIsUnbiasedToFirstOrder() {
        // E[⟨g, E⟩ E] = g for E = A Bᵀ/√r: with small σ the mean over seeds approaches the gradient.
        for (int rank : new int[] {1, 3}) {
            int n = 400;
            int seeds = 25;
            float[] mean = meanOverSeeds(
                    EvolutionStrategies.builder()
                            .population(n)
                            .sigma(0.001f)
                            .antithetic(true)
                            .perturbation(Perturbation.lowRank(rank)),
                    seeds);
            double cosine = EstimatorComparison.cosine(mean, exact);
            double error = EstimatorComparison.relativeError(mean, exact);
            // One full-rank estimate has E‖ĝ − g‖² ≈ D‖g‖²/N; low-rank noise has heavier tails, so
            // allow twice the full-rank prediction for the mean of n·seeds directions.
            double predicted = Math.sqrt((double) d / (n * seeds));
            assertTrue(cosine > 0.98, "rank " + rank + ": cosine of the mean " + cosine);
            assertTrue(
                    error < 2 * predicted, "rank " + rank + ": relative error " + error + ", predicted " + predicted);
        }
    }

    @Test
    void sameSeedAndStepSameEstimateOtherStepOtherNoise() {
        var es = EvolutionStrategies.builder()
                .population(20)
                .antithetic(true)
                .seed(9)
                .build();
        float[] a = Fixtures.gradient(es, model, x, labels, 3);
        float[] b = Fixtures.gradient(es, model, x, labels, 3);
        float[] c = Fixtures.gradient(es, model, x, labels, 4);
        assertArrayEquals(a, b);
        assertTrue(EstimatorComparison.relativeError(a, c) > 0.1);
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        Sequential wide = Fixtures.wide();
        Tensor xs = Fixtures.inputs(32, 100, 5);
        int[] ys = Fixtures.labels(32, 10, 6);
        for (Module m : new Module[] {wide, Fixtures.opaque(wide)}) {
            // {antithetic, rank shaping, baseline, low-rank}
            for (boolean[] v : new boolean[][] {
                {false, false, false, false},
                {true, false, false, false},
                {true, true, false, false},
                {false, false, true, false},
                {true, true, false, true},
                {false, false, true, true}
            }) {
                var es = EvolutionStrategies.builder()
                        .population(24)
                        .sigma(0.02f)
                        .antithetic(v[0])
                        .rankShaping(v[1])
                        .baseline(v[2])
                        .perturbation(v[3] ? Perturbation.lowRank(2) : Perturbation.fullRank())
                        .seed(8)
                        .build();
                float[] one;
                try (var t = Parallel.withThreads(1)) {
                    one = Fixtures.gradient(es, m, xs, ys, 2);
                }
                try (var t = Parallel.withThreads(2)) {
                    assertArrayEquals(one, Fixtures.gradient(es, m, xs, ys, 2), es.name() + " on " + m);
                }
            }
        }
    }

    @Test
    void checksItsArguments() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> EvolutionStrategies.builder().population(0));
        assertTrue(e.getMessage().contains("population"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> EvolutionStrategies.builder().sigma(-1f));
        assertTrue(e.getMessage().contains("sigma"), e.getMessage());
        var es = EvolutionStrategies.builder().build();
        e = assertThrows(IllegalArgumentException.class, () -> es.estimate(model, x, new int[3], 0));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
    }

    /** An evaluator that hands out the given member losses, whatever the model. */
    private static PopulationLossEvaluator losses(float... values) {
        return (model, objective, batch, members, out) -> {
            System.arraycopy(values, 0, out, 0, members.members());
            return 1f;
        };
    }

    @Test
    void theEstimateIsOpenAiEsGenerationUpdateForTheSameSeedsAndFitness() {
        // OpenAI-ES with SGD at lr 1 and no momentum moves its center by exactly −g.
        Sequential linear = new Sequential(new Linear(6, 5, false, 3));
        float[] w = Parameters.flatten(linear.parameters());
        float[] fitness = {0.7f, 0.2f, 0.9f, 0.9f, -1f, 3f, 0.25f, 0.5f, 2f, 0.1f};
        double[] told = new double[fitness.length];
        for (int m = 0; m < fitness.length; m++) {
            told[m] = fitness[m];
        }
        for (long step : new long[] {0, 3}) {
            var es = EvolutionStrategies.builder()
                    .population(fitness.length / 2)
                    .sigma(0.1f)
                    .antithetic(true)
                    .rankShaping(true)
                    .seed(11)
                    .evaluator(losses(fitness))
                    .build();
            float[] g = Fixtures.gradient(es, linear, x, labels, step);
            OpenAiEs search = OpenAiEs.builder(w)
                    .sigma(0.1f)
                    .population(fitness.length)
                    .optimizer(CenterOptimizer.sgd(1f, 0f))
                    .seed(11)
                    .build();
            for (long gen = 0; gen < step; gen++) {
                // Earlier generations with a flat fitness leave the center where it is.
                search.tell(search.ask(), new double[fitness.length]);
            }
            search.tell(search.ask(), told);
            float[] expected = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = w[i] - g[i];
            }
            assertArrayEquals(expected, search.center(), "step " + step);
        }
    }

    @Test
    void nonFiniteLossesAreRankedWorstAndCounted() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        var failing = EvolutionStrategies.builder()
                .population(3)
                .antithetic(true)
                .rankShaping(true)
                .evaluator(losses(1f, nan, -inf, 2f, 0f, inf))
                .build();
        // The three failures are worst and tie; so the same estimate as losses 1, 9, 9, 2, 0, 9.
        var same = EvolutionStrategies.builder()
                .population(3)
                .antithetic(true)
                .rankShaping(true)
                .evaluator(losses(1f, 9f, 9f, 2f, 0f, 9f))
                .build();
        assertArrayEquals(
                Fixtures.gradient(same, model, x, labels, 0), Fixtures.gradient(failing, model, x, labels, 0));
        assertEquals(3, failing.nonFiniteEvaluations());
        // All failing tie: no direction (the Trainer then names sigma, StalledTrainingTest).
        var allFail = EvolutionStrategies.builder()
                .population(2)
                .antithetic(true)
                .rankShaping(true)
                .evaluator(losses(nan, inf, -inf, nan))
                .build();
        assertArrayEquals(new float[d], Fixtures.gradient(allFail, model, x, labels, 4));
        assertEquals(4, allFail.nonFiniteEvaluations());
    }

    private float[] meanOverSeeds(EvolutionStrategies.Builder builder, int seeds) {
        float[] mean = new float[d];
        for (int s = 0; s < seeds; s++) {
            float[] g = Fixtures.gradient(builder.seed(s).build(), model, x, labels, 0);
            for (int j = 0; j < d; j++) {
                mean[j] += g[j] / seeds;
            }
        }
        return mean;
    }
}

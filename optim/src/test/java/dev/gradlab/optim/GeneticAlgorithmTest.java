package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.Dataset;
import dev.gradlab.simd.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class GeneticAlgorithmTest {

    /**
     * One input equal to 1 and a 1-2 linear layer: the output is the weight column, and one-hot MSE
     * against class 0 is {@code ((w0 − 1)² + w1²)/2}, smallest (0) at {@code w = (1, 0)}.
     */
    private static final Architecture LINE = new Architecture(new int[] {1, 2}, Activation.SIGMOID, false);

    private static final Dataset ONE = new Dataset(new float[] {1f}, new int[] {0}, 1, 2);

    @Test
    void truncationSelectionAndElitismFindTheKnownOptimum() {
        List<GeneticAlgorithm.Generation> generations = new ArrayList<>();
        var result = GeneticAlgorithm.builder()
                .architecture(LINE)
                .initialSeed(3)
                .objective(Objective.oneHotMse())
                .population(20)
                .parents(5)
                .elites(2)
                .sigma(0.05f)
                .perturbation(Perturbation.fullRank())
                .seed(7)
                .train(ONE)
                .validation(ONE)
                .batchSize(1)
                .epochs(300)
                .listener(new GeneticAlgorithm.Listener() {
                    @Override
                    public void onGeneration(GeneticAlgorithm.Generation g) {
                        generations.add(g);
                    }
                })
                .build()
                .run();
        assertEquals(300, generations.size());
        float previousBest = Float.POSITIVE_INFINITY;
        for (int g = 0; g < generations.size(); g++) {
            var gen = generations.get(g);
            float[] losses = gen.losses();
            int[] selected = gen.selected();
            assertEquals(5, selected.length);
            float worstSelected = losses[selected[4]];
            for (int k = 1; k < selected.length; k++) {
                assertTrue(losses[selected[k - 1]] <= losses[selected[k]], "parents fittest first, generation " + g);
            }
            for (int i = 0; i < losses.length; i++) {
                boolean chosen = false;
                for (int s : selected) {
                    chosen |= s == i;
                }
                assertTrue(
                        chosen || losses[i] >= worstSelected,
                        "individual " + i + " of generation " + g + " has loss " + losses[i]
                                + " below a selected one's " + worstSelected + " but was not selected");
            }
            if (g > 0) {
                var before = generations.get(g - 1);
                int elites = Math.min(2, before.selected().length);
                for (int e = 0; e < elites; e++) {
                    // The same weights on the same batch: an elite keeps its loss to the bit.
                    assertEquals(
                            before.losses()[before.selected()[e]], losses[e], "elite " + e + " of generation " + g);
                }
            }
            // The champion is the best elite on the held-out set, which here is the training batch.
            assertEquals(0, gen.champion());
            assertEquals(losses[selected[0]], gen.championLoss(), 1e-7f);
            assertTrue(losses[selected[0]] <= previousBest, "the best loss never rises with elites, generation " + g);
            previousBest = losses[selected[0]];
        }
        float first = generations.get(0).losses()[0];
        float[] w = Parameters.flatten(result.model().parameters());
        assertTrue(previousBest < first / 100, "loss " + previousBest + " from " + first);
        assertEquals(1f, w[0], 0.05f);
        assertEquals(0f, w[1], 0.05f);
        assertEquals(result.champion().rebuild().parameters().get(0).data()[0], w[0]);
    }

    @Test
    void theChampionIsTheEliteBestOnTheHeldOutSet() {
        // Fitness pulls towards class 0, the held-out example towards class 1: the two disagree.
        Dataset heldOut = new Dataset(new float[] {1f}, new int[] {1}, 1, 2);
        List<GeneticAlgorithm.Generation> generations = new ArrayList<>();
        var result = GeneticAlgorithm.builder()
                .architecture(LINE)
                .initialSeed(3)
                .objective(Objective.oneHotMse())
                .population(12)
                .parents(4)
                .elites(3)
                .sigma(0.1f)
                .perturbation(Perturbation.fullRank())
                .seed(2)
                .train(ONE)
                .validation(heldOut)
                .batchSize(1)
                .epochs(20)
                .listener(new GeneticAlgorithm.Listener() {
                    @Override
                    public void onGeneration(GeneticAlgorithm.Generation g) {
                        generations.add(g);
                    }
                })
                .build()
                .run();
        int notTheFittest = 0;
        for (var g : generations) {
            float best = Float.POSITIVE_INFINITY;
            int bestElite = -1;
            for (int e = 0; e < 3; e++) {
                float loss = Metrics.loss(g.parents().get(e).rebuild(), Objective.oneHotMse(), heldOut);
                if (loss < best) {
                    best = loss;
                    bestElite = e;
                }
            }
            assertEquals(bestElite, g.champion(), "generation " + g.generation());
            assertEquals(best, g.championLoss(), "generation " + g.generation());
            notTheFittest += g.champion() != 0 ? 1 : 0;
        }
        assertTrue(notTheFittest > 0, "the held-out set chose another elite than the fittest at least once");
        var last = generations.get(generations.size() - 1);
        assertEquals(last.parents().get(last.champion()), result.champion());
        assertArrayEquals(
                Parameters.flatten(result.champion().rebuild().parameters()),
                Parameters.flatten(result.model().parameters()));
    }

    @Test
    void aRunIsBitIdenticalOnOneAndTwoThreadsAndItsChampionRebuildsBitForBit() {
        for (Perturbation p : new Perturbation[] {Perturbation.lowRank(1), Perturbation.fullRank()}) {
            GeneticAlgorithm.Result one;
            List<Float> lossesOne = new ArrayList<>();
            try (var t = Parallel.withThreads(1)) {
                one = small(p, lossesOne).run();
            }
            GeneticAlgorithm.Result two;
            List<Float> lossesTwo = new ArrayList<>();
            try (var t = Parallel.withThreads(2)) {
                two = small(p, lossesTwo).run();
            }
            assertEquals(lossesOne, lossesTwo, p.toString());
            assertEquals(one.champion(), two.champion(), p.toString());
            float[] w = Parameters.flatten(one.model().parameters());
            assertArrayEquals(w, Parameters.flatten(two.model().parameters()), p.toString());
            assertTrue(one.champion().mutations().length >= 10, one.champion().toString());
            assertArrayEquals(w, Parameters.flatten(one.champion().rebuild().parameters()), p.toString());
        }
    }

    @Test
    void aGenerationWhoseLossesAllFailIsADivergenceNamedByItsStep() {
        // From the second generation on every loss is NaN: the run diverged, which names the step.
        int[] calls = {0};
        Objective failing = new Objective() {
            @Override
            public Tensor loss(Tensor output, Batch batch) {
                return Objective.oneHotMse().loss(output, batch);
            }

            @Override
            public float value(Tensor output, Batch batch) {
                return calls[0]++ < 8 ? Objective.oneHotMse().value(output, batch) : Float.NaN;
            }

            @Override
            public String name() {
                return "failing";
            }
        };
        var e = assertThrows(
                TrainingDivergedException.class,
                () -> GeneticAlgorithm.builder()
                        .architecture(LINE)
                        .objective(failing)
                        .population(8)
                        .parents(2)
                        .elites(1)
                        .perturbation(Perturbation.fullRank())
                        .train(ONE)
                        .batchSize(1)
                        .epochs(3)
                        .build()
                        .run());
        assertTrue(e.getMessage().startsWith("loss is NaN at step 2 (epoch 2, batch 1)"), e.getMessage());
    }

    private static final Architecture SMALL = new Architecture(new int[] {20, 16, 3}, Activation.TANH, true);

    private static GeneticAlgorithm small(Perturbation p, List<Float> losses) {
        return small(p, losses, GeneticAlgorithm.builder().architecture(SMALL));
    }

    private static GeneticAlgorithm small(Perturbation p, List<Float> losses, GeneticAlgorithm.Builder model) {
        Dataset train = new Dataset(Fixtures.inputs(60, 20, 5).data(), Fixtures.labels(60, 3, 6), 20, 3);
        Dataset held = new Dataset(Fixtures.inputs(20, 20, 8).data(), Fixtures.labels(20, 3, 9), 20, 3);
        return model.initialSeed(1)
                .population(30)
                .parents(5)
                .elites(2)
                .sigma(0.05f)
                .perturbation(p)
                .seed(4)
                .train(train)
                .validation(held)
                .test(held)
                .batchSize(20)
                .epochs(5)
                .shuffle(true)
                .listener(new GeneticAlgorithm.Listener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        assertEquals(List.of(), step.parameters(), "a generation has no gradient");
                        losses.add(step.loss());
                    }
                })
                .build();
    }

    /** A network from a factory evolves as the same network from its spec, to the bit. */
    @Test
    void aModelFactoryEvolvesAsTheSpecOfTheSameNetwork() {
        var fromSpec = small(Perturbation.lowRank(1), new ArrayList<>()).run();
        var fromFactory = small(
                        Perturbation.lowRank(1),
                        new ArrayList<>(),
                        GeneticAlgorithm.builder().model(SMALL::build))
                .run();
        assertArrayEquals(
                Parameters.flatten(fromSpec.model().parameters()),
                Parameters.flatten(fromFactory.model().parameters()));
        assertArrayEquals(
                fromSpec.champion().mutations(), fromFactory.champion().mutations());
    }

    /** A user's own module, which has no spec: it evolves, its champion rebuilds, and its genome has no file. */
    @Test
    void aUsersModuleEvolvesAndItsChampionRebuildsButHasNoFile() {
        LongFunction<Sequential> model = seed -> {
            TorchGenerator g = new TorchGenerator(seed);
            return new Sequential(new Dense(20, 16, g), new Tanh(), new Dense(16, 3, g));
        };
        var result = small(
                        Perturbation.fullRank(),
                        new ArrayList<>(),
                        GeneticAlgorithm.builder().model(model))
                .run();
        assertTrue(result.champion().mutations().length >= 1, result.champion().toString());
        assertEquals(null, result.champion().spec());
        assertArrayEquals(
                Parameters.flatten(result.model().parameters()),
                Parameters.flatten(result.champion().rebuild().parameters()));
        var e = assertThrows(
                IllegalStateException.class, () -> result.champion().write(Path.of("genome.bin")));
        assertTrue(e.getMessage().startsWith("a genome of a model without a spec"), e.getMessage());
    }

    /** A fully connected layer of a user's own: no population protocol, so populations take the fallback. */
    private static final class Dense implements Module {
        private final Tensor weight;
        private final Tensor bias;

        Dense(int in, int out, TorchGenerator g) {
            weight = Tensor.uniform(g, -0.3f, 0.3f, out, in).requiresGrad(true);
            bias = Tensor.uniform(g, -0.3f, 0.3f, out).requiresGrad(true);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.matmul(weight, false, true).add(bias);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(weight, bias);
        }
    }

    @Test
    void settingsThatCannotWorkAreRejectedNamingThem() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> GeneticAlgorithm.builder()
                        .architecture(LINE)
                        .train(ONE)
                        .population(10)
                        .parents(12)
                        .elites(1)
                        .build());
        assertTrue(e.getMessage().contains("got E = 1, T = 12, P = 10"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> GeneticAlgorithm.builder().sigma(0f));
        assertTrue(e.getMessage().contains("sigma"), e.getMessage());
    }

    @Test
    void aBatchLargerThanTheTrainingSetOrAMissingSettingIsRefusedNamingIt() {
        var e = assertThrows(
                dev.gradlab.core.InvalidSettingException.class,
                () -> GeneticAlgorithm.builder()
                        .architecture(LINE)
                        .train(ONE)
                        .population(10)
                        .parents(2)
                        .elites(1)
                        .batchSize(2)
                        .build());
        assertEquals("batchSize", e.setting());
        assertEquals("batchSize must be <= the training set's size 1, got 2", e.getMessage());
        var missing = assertThrows(
                IllegalStateException.class,
                () -> GeneticAlgorithm.builder().train(ONE).build());
        assertEquals("model is not set: GeneticAlgorithm.builder().model(...) is required", missing.getMessage());
        missing = assertThrows(
                IllegalStateException.class,
                () -> GeneticAlgorithm.builder().architecture(LINE).build());
        assertEquals("train is not set: GeneticAlgorithm.builder().train(...) is required", missing.getMessage());
    }
}

package dev.gradlab.optim.search;

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
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.population.Population;
import dev.gradlab.data.Batcher;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ModuleSearchTest {

    private static final int ROWS = 40;
    private static final int IN = 6;
    private static final int CLASSES = 3;

    private static Sequential tiny() {
        return new Sequential(new Linear(IN, 5, true, 11), new Tanh(), new Linear(5, CLASSES, true, 12));
    }

    /** Labels that a linear model separates: the class of the largest of the first three features. */
    private static Batch batch(long seed) {
        Tensor x = Tensor.normal(seed, 0f, 1f, ROWS, IN);
        int[] labels = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 1; c < CLASSES; c++) {
                if (x.data()[r * IN + c] > x.data()[r * IN + labels[r]]) {
                    labels[r] = c;
                }
            }
        }
        return Batch.of(x, labels);
    }

    private static List<Function<float[], SearchStrategy>> strategies() {
        return List.of(
                x -> Pgpe.builder(x).sigma(0.05f).population(8).seed(7).build(),
                x -> Snes.builder(x).sigma(0.05f).population(7).seed(7).build());
    }

    /** A module of a user's own, with no population path: the evaluator binds each member's values to it. */
    private static final class Affine implements Module {
        final Tensor weight;
        final Tensor bias;

        Affine(int in, int out, long seed) {
            weight = Tensor.uniform(seed, -0.4f, 0.4f, out, in).requiresGrad(true);
            bias = Tensor.uniform(seed + 1, -0.4f, 0.4f, out).requiresGrad(true);
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
    void theModulesPopulationHasTheGenerationsMembersToTheBit() {
        for (var make : strategies()) {
            Sequential model = tiny();
            SearchStrategy strategy = make.apply(ModuleSearch.parameters(model));
            ModuleSearch search = new ModuleSearch(model, strategy);
            // One generation told, so that PGPE's and SNES's σ are no longer all equal.
            search.step(Objective.crossEntropy(), batch(1));
            Generation g = search.ask();
            Population population = search.population(g);
            assertEquals(g.size(), population.members(), strategy.name());
            float[] expected = new float[strategy.dimension()];
            for (int m = 0; m < g.size(); m++) {
                g.member(m, expected);
                Sequential copy = tiny();
                Parameters.unflatten(strategy.center(), copy.parameters());
                int d = population.antithetic() ? m / 2 : m;
                population.apply(d, (m & 1) == 1 && population.antithetic() ? -1f : 1f, copy.parameters());
                assertArrayEquals(expected, Parameters.flatten(copy.parameters()), strategy.name() + " member " + m);
            }
        }
    }

    @Test
    void aUsersModuleGetsTheLossOfEachMembersParameters() {
        for (var make : strategies()) {
            Affine model = new Affine(IN, CLASSES, 3);
            SearchStrategy strategy = make.apply(ModuleSearch.parameters(model));
            ModuleSearch search = new ModuleSearch(model, strategy);
            Batch batch = batch(2);
            search.step(Objective.crossEntropy(), batch);
            Generation g = search.ask();
            double[] fitness = search.evaluate(g, Objective.crossEntropy(), batch);
            Affine plain = new Affine(IN, CLASSES, 3);
            float[] x = new float[strategy.dimension()];
            for (int m = 0; m < g.size(); m++) {
                g.member(m, x);
                Parameters.unflatten(x, plain.parameters());
                float loss = Objective.crossEntropy().value(plain.forward(batch.inputs()), batch);
                assertEquals(loss, (float) fitness[m], 0f, strategy.name() + " member " + m);
            }
        }
    }

    @Test
    void aSearchIsBitIdenticalOnOneAndTwoThreads() {
        for (var make : strategies()) {
            SearchState[] states = new SearchState[2];
            float[][] params = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                try (var t = Parallel.withThreads(threads)) {
                    Sequential model = tiny();
                    ModuleSearch search = new ModuleSearch(model, make.apply(ModuleSearch.parameters(model)));
                    for (int step = 0; step < 5; step++) {
                        search.step(Objective.crossEntropy(), batch(step));
                    }
                    states[threads - 1] = search.strategy().state();
                    params[threads - 1] = Parameters.flatten(model.parameters());
                }
            }
            assertEquals(states[0], states[1], states[0].strategy());
            assertArrayEquals(params[0], params[1], states[0].strategy());
        }
    }

    @Test
    void pgpeAndSnesTrainAUsersOwnModule() {
        for (var make : List.<Function<float[], SearchStrategy>>of(
                x -> Pgpe.builder(x)
                        .sigma(0.1f)
                        .population(32)
                        .optimizer(CenterOptimizer.adam(0.05f))
                        .seed(5)
                        .build(),
                x -> Snes.builder(x).sigma(0.1f).population(32).seed(5).build())) {
            Affine model = new Affine(IN, CLASSES, 9);
            ModuleSearch search = new ModuleSearch(model, make.apply(ModuleSearch.parameters(model)));
            Batch test = batch(1000);
            float before = Objective.crossEntropy().value(model.forward(test.inputs()), test);
            for (int step = 0; step < 150; step++) {
                search.step(Objective.crossEntropy(), batch(step));
            }
            assertArrayEquals(search.strategy().center(), Parameters.flatten(model.parameters()));
            float after = Objective.crossEntropy().value(model.forward(test.inputs()), test);
            String name = search.strategy().name();
            assertTrue(after < 0.5f * before, name + ": test loss " + before + " -> " + after);
        }
    }

    @Test
    void aStrategyThatDoesNotFitTheModuleIsRefusedNamingWhy() {
        Sequential model = tiny();
        var wrongSize = assertThrows(
                IllegalArgumentException.class,
                () -> new ModuleSearch(model, Snes.builder(new float[5]).build()));
        assertEquals("strategy must have the module's 53 parameters as its dimension, got 5", wrongSize.getMessage());
        var es = assertThrows(
                IllegalArgumentException.class,
                () -> new ModuleSearch(
                        model, OpenAiEs.builder(ModuleSearch.parameters(model)).build()));
        assertTrue(es.getMessage().startsWith("strategy must be Pgpe or Snes"), es.getMessage());
        assertTrue(es.getMessage().contains("got es"), es.getMessage());
    }

    @Test
    void theModuleHoldsTheCenterFromTheStart() {
        Sequential model = tiny();
        float[] start = new float[53];
        start[0] = 0.5f;
        new ModuleSearch(model, Snes.builder(start).build());
        assertArrayEquals(start, Parameters.flatten(model.parameters()));
    }

    @Test
    void docsExample() {
        // docs/optim.md, "Ask and tell on a module"
        DataSplit split = FashionMnist.subset();
        Sequential model = new Sequential(new Linear(784, 64, false, 1), new Sigmoid(), new Linear(64, 10, false, 2));
        ModuleSearch search = new ModuleSearch(
                model,
                Pgpe.builder(ModuleSearch.parameters(model))
                        .sigma(0.05f)
                        .population(16)
                        .optimizer(CenterOptimizer.adam(0.03f))
                        .seed(42)
                        .build());
        for (int epoch = 0; epoch < 3; epoch++) {
            for (Batch batch : new Batcher(split.train(), 100, true, 42, false).epoch(epoch)) {
                Generation g = search.ask(); // seeds, never weight copies
                double[] fitness = search.evaluate(g, Objective.crossEntropy(), batch); // the population evaluator
                search.tell(g, fitness); // the module now holds the new center
            }
        }
        float accuracy = dev.gradlab.optim.Metrics.accuracy(model, split.test());
        assertTrue(accuracy > 0.3f, "test accuracy " + accuracy); // chance is 0.1
    }
}

package dev.gradlab.core.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.example.Softplus;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PopulationEvaluatorTest {

    private static final int ROWS = 12;
    private static final int IN = 9;
    private static final int CLASSES = 4;

    /** A user's activation, written with the public Function API, as a layer. */
    static final class SoftplusLayer implements Module {
        /** Counted from every worker thread at once. */
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Tensor forward(Tensor x) {
            calls.incrementAndGet();
            return new Softplus().apply(x);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of();
        }
    }

    /** A module with parameters and no population path of its own: y = x ⊙ s, s learned. */
    static final class Scale implements Module {
        final Tensor s;

        Scale(int n, long seed) {
            s = Tensor.uniform(seed, 0.5f, 1.5f, n).requiresGrad(true);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor row = Tensor.wrap(new float[x.size()], x.shape());
            float[] sv = s.data();
            int cols = sv.length;
            for (int i = 0; i < x.size(); i++) {
                row.data()[i] = sv[i % cols];
            }
            return x.mul(row);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(s);
        }
    }

    private static Sequential model(Module activation) {
        return new Sequential(
                new Linear(IN, 7, true, 1),
                activation,
                new Linear(7, 6, false, 2),
                new Tanh(),
                new Linear(6, CLASSES, true, 3));
    }

    private static Batch batch() {
        Random r = new Random(5);
        float[] x = new float[ROWS * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = r.nextInt(CLASSES);
        }
        return Batch.of(Tensor.wrap(x, ROWS, IN), labels);
    }

    /**
     * Member by member, through the model's ordinary forward at explicitly perturbed weights, in
     * evaluation mode as populations run.
     */
    static float[] memberByMember(Module model, Objective objective, Batch batch, Population population) {
        List<Tensor> params = model.parameters();
        float[] w0 = Parameters.flatten(params);
        float[] losses = new float[population.members()];
        boolean training = model.isTraining();
        model.eval();
        try (var scope = Tape.noGrad()) {
            for (int m = 0; m < population.members(); m++) {
                int d = population.antithetic() ? m / 2 : m;
                float sign = population.antithetic() && m % 2 == 1 ? -1f : 1f;
                population.apply(d, sign * population.sigma(), params);
                losses[m] = objective.value(model.forward(batch.inputs()), batch);
                Parameters.unflatten(w0, params);
            }
        } finally {
            model.train(training);
        }
        return losses;
    }

    private static void assertClose(float[] expected, float[] actual) {
        for (int m = 0; m < expected.length; m++) {
            assertEquals(expected[m], actual[m], 1e-5f * Math.max(1, Math.abs(expected[m])), "member " + m);
        }
    }

    @Test
    void agreesWithMemberByMemberEvaluation() {
        Batch batch = batch();
        for (Perturbation p :
                new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1), Perturbation.lowRank(3)}) {
            for (boolean antithetic : new boolean[] {false, true}) {
                for (Module model : new Module[] {
                    model(new Sigmoid()),
                    model(new SoftplusLayer()),
                    new Sequential(
                            new Linear(IN, 5, true, 4), new Scale(5, 9), new ReLU(), new Linear(5, CLASSES, true, 6))
                }) {
                    Population population = Population.es(p, 0.1f, antithetic, 77, 3, 6);
                    float[] losses = new float[population.members()];
                    float[] w0 = Parameters.flatten(model.parameters());
                    float center = new PopulationEvaluator()
                            .evaluate(model, Objective.crossEntropy(), batch, population, losses);
                    assertArrayEquals(w0, Parameters.flatten(model.parameters()), "the model is left as it was");
                    assertEquals(Objective.crossEntropy().value(model.forward(batch.inputs()), batch), center, 1e-6f);
                    assertClose(memberByMember(model, Objective.crossEntropy(), batch, population), losses);
                }
            }
        }
    }

    @Test
    void anyModuleTakesTheFallbackAndAgrees() {
        Batch batch = batch();
        Sequential inner = model(new Sigmoid());
        Module opaque = new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return inner.forward(x);
            }

            @Override
            public List<Tensor> parameters() {
                return inner.parameters();
            }
        };
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
            Population population = Population.es(p, 0.05f, true, 1, 0, 5);
            float[] losses = new float[population.members()];
            PopulationEvaluator evaluator = new PopulationEvaluator();
            evaluator.evaluate(opaque, Objective.oneHotMse(), batch, population, losses);
            assertEquals(List.of(opaque), evaluator.fallbacks());
            assertClose(memberByMember(inner, Objective.oneHotMse(), batch, population), losses);
        }
    }

    @Test
    void aUserFunctionTakesThePopulationPath() {
        SoftplusLayer softplus = new SoftplusLayer();
        Sequential model = model(softplus);
        Population population = Population.es(Perturbation.lowRank(2), 0.05f, true, 1, 0, 5);
        PopulationEvaluator evaluator = new PopulationEvaluator();
        evaluator.evaluate(model, Objective.crossEntropy(), batch(), population, new float[10]);
        assertEquals(List.of(), evaluator.fallbacks());
        // Its own forward, once at the center and once per member: nothing re-describes it.
        assertEquals(1 + 10, softplus.calls.get());
    }

    @Test
    void bitIdenticalOnOneAndTwoThreads() {
        Batch batch = batch();
        Module model = new Sequential(
                new Linear(IN, 7, true, 1), new Scale(7, 3), new Sigmoid(), new Linear(7, CLASSES, true, 3));
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
            Population population = Population.es(p, 0.1f, true, 4, 2, 33);
            float[][] losses = new float[2][population.members()];
            for (int t = 1; t <= 2; t++) {
                try (var threads = Parallel.withThreads(t)) {
                    new PopulationEvaluator()
                            .evaluate(model, Objective.crossEntropy(), batch, population, losses[t - 1]);
                }
            }
            assertArrayEquals(losses[0], losses[1]);
        }
    }

    @Test
    void populationsRunInEvaluationModeAndRestoreTheModelsModes() {
        Linear first = new Linear(IN, 7, true, 1);
        Dropout dropout = new Dropout(0.5f, 1);
        Sigmoid sigmoid = new Sigmoid();
        Linear last = new Linear(7, CLASSES, true, 3);
        Sequential model = new Sequential(first, dropout, sigmoid, last);
        Sequential withoutDropout = new Sequential(first, sigmoid, last);
        Batch batch = batch();
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1)}) {
            Population population = Population.es(p, 0.05f, true, 9, 0, 5);
            float[] expected = new float[population.members()];
            float expectedCenter = new PopulationEvaluator()
                    .evaluate(withoutDropout, Objective.crossEntropy(), batch, population, expected);
            for (int t = 1; t <= 2; t++) {
                model.train(); // as backprop leaves it
                float[] losses = new float[population.members()];
                float center;
                try (var threads = Parallel.withThreads(t)) {
                    center = new PopulationEvaluator()
                            .evaluate(model, Objective.crossEntropy(), batch, population, losses);
                }
                // Dropout was the identity: the losses are those of the model without it, to the bit.
                assertEquals(expectedCenter, center, p + ", " + t + " threads");
                assertArrayEquals(expected, losses, p + ", " + t + " threads");
                assertTrue(model.isTraining() && dropout.isTraining(), "training mode is restored");
            }
        }
        // Each module's own mode comes back, also when they differ.
        Population two = Population.es(Perturbation.fullRank(), 0.05f, true, 9, 0, 2);
        model.train();
        dropout.eval();
        new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch, two, new float[4]);
        assertTrue(model.isTraining());
        assertFalse(dropout.isTraining());
        model.eval();
        new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch, two, new float[4]);
        assertFalse(model.isTraining() || dropout.isTraining());
    }

    /** A module whose output is its parameter itself, or a tensor viewing the parameter's values. */
    static final class Logits implements Module {
        final Tensor logits;
        final boolean view;

        Logits(boolean view) {
            this.logits = Tensor.uniform(21, -1f, 1f, ROWS, CLASSES).requiresGrad(true);
            this.view = view;
        }

        @Override
        public Tensor forward(Tensor x) {
            return view ? Tensor.wrap(logits.data(), ROWS, CLASSES) : logits;
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(logits);
        }
    }

    @Test
    void aModuleReturningItsParameterIsScoredAtTheMember() {
        Batch batch = batch();
        for (boolean view : new boolean[] {false, true}) {
            for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
                Module model = new Logits(view);
                Population population = Population.es(p, 0.1f, true, 3, 0, 4);
                float[] losses = new float[population.members()];
                for (int t = 1; t <= 2; t++) {
                    try (var threads = Parallel.withThreads(t)) {
                        new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch, population, losses);
                    }
                    float[] expected = memberByMember(model, Objective.crossEntropy(), batch, population);
                    assertArrayEquals(expected, losses, "view=" + view + ", " + p + ", " + t + " threads");
                    // The ES estimate Σ (L⁺ − L⁻)/2 · E is that of the perturbed losses, not zero.
                    float[] weights = new float[population.directions()];
                    float[] own = new float[weights.length];
                    for (int d = 0; d < weights.length; d++) {
                        weights[d] = (losses[2 * d] - losses[2 * d + 1]) / 2;
                        own[d] = (expected[2 * d] - expected[2 * d + 1]) / 2;
                    }
                    float[] estimate = new float[ROWS * CLASSES];
                    float[] direct = new float[ROWS * CLASSES];
                    population.weightedSum(model.parameters(), weights, estimate);
                    population.weightedSum(model.parameters(), own, direct);
                    assertArrayEquals(direct, estimate);
                    assertTrue(Math.abs(estimate[0]) > 0, "a non-zero estimate");
                }
            }
        }
    }

    @Test
    void repeatedEvaluationsReuseTheirWorkspaceArrays() {
        assertReusesWorkspaceArrays(
                new Sequential(
                        new Linear(IN, 7, true, 1), new Sigmoid(), new Scale(7, 3), new Linear(7, CLASSES, true, 3)),
                batch());
    }

    /** After a first evaluation, repeated ones take no new arrays from the workspace pool, for each family. */
    static void assertReusesWorkspaceArrays(Module model, Batch batch) {
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
            Population population = Population.es(p, 0.1f, true, 4, 2, 5);
            float[] losses = new float[population.members()];
            PopulationEvaluator evaluator = new PopulationEvaluator();
            try (var threads = Parallel.withThreads(1)) {
                evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses);
                long pooled = Workspace.pooledFloats();
                for (int i = 0; i < 3; i++) {
                    evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses);
                }
                assertTrue(pooled > 0);
                assertEquals(pooled, Workspace.pooledFloats(), p + ": the pool grew, an evaluation took new arrays");
            }
        }
    }

    @Test
    void lowRankNoiseHasUnitVarianceAndTheWeightedSumIsOneProduct() {
        Tensor w = Tensor.zeros(40, 30);
        Population population = Population.es(Perturbation.lowRank(4), 1f, false, 8, 0, 3);
        float[] weights = {0.5f, -2f, 1.25f};
        float[] sum = new float[w.size()];
        population.weightedSum(List.of(w), weights, sum);
        // The same sum, one direction at a time through apply().
        for (int d = 0; d < 3; d++) {
            population.apply(d, weights[d], List.of(w));
        }
        for (int i = 0; i < sum.length; i++) {
            assertEquals(w.data()[i], sum[i], 1e-4f, "element " + i);
        }
        // E[E_ij²] = 1: one direction's mean square varies by ~15% (the factors' norms), 100 by ~2%.
        Population many = Population.es(Perturbation.lowRank(2), 1f, false, 9, 0, 100);
        double var = 0;
        for (int d = 0; d < 100; d++) {
            Tensor e = Tensor.zeros(100, 150);
            many.apply(d, 1f, List.of(e));
            for (float v : e.data()) {
                var += v * v;
            }
        }
        assertEquals(1.0, var / (100 * 100 * 150), 0.07);
    }

    @Test
    void rejectsWhatDoesNotFit() {
        Population population = Population.es(Perturbation.fullRank(), 0.1f, true, 1, 0, 4);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new PopulationEvaluator()
                        .evaluate(model(new Sigmoid()), Objective.crossEntropy(), batch(), population, new float[7]));
        assertTrue(e.getMessage().contains("at least 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Perturbation.lowRank(0));
        assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
        // A shared phase asking for a product with a tensor that is not one of its parameters, or
        // with an input of the wrong width.
        Tensor stranger = Tensor.zeros(CLASSES, IN);
        Linear linear = new Linear(IN, CLASSES, false, 1);
        for (Tensor w : new Tensor[] {stranger, linear.weight()}) {
            Module module = new PopulationForward<MatrixProduct>() {
                @Override
                public Tensor forward(Tensor x) {
                    return linear.forward(x);
                }

                @Override
                public List<Tensor> parameters() {
                    return linear.parameters();
                }

                @Override
                public MatrixProduct share(Tensor x, Tensor y, SharedInput shared) {
                    return shared.product(w == stranger ? x : Tensor.zeros(ROWS, IN + 1), w, y);
                }

                @Override
                public Tensor forwardMember(MatrixProduct product, Member member) {
                    return product.member(member);
                }
            };
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new PopulationEvaluator()
                            .evaluate(module, Objective.crossEntropy(), batch(), population, new float[8]));
            String expected =
                    w == stranger ? "tensor [4, 9] is not one of the parameters()" : "must be [rows, 9], got [12, 10]";
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }
}

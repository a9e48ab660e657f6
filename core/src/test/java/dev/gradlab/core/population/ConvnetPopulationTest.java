package dev.gradlab.core.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.AvgPool2d;
import dev.gradlab.core.nn.Conv2d;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Flatten;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.MaxPool2d;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Unflatten;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2d}'s population path: each member's loss is the plain forward's at its perturbed
 * weights, on the shared input (the first convolution) and on each member's own activations (the
 * later ones), for every perturbation family, and the same on any number of threads.
 */
class ConvnetPopulationTest {

    private static final Perturbation[] FAMILIES = {
        Perturbation.fullRank(), Perturbation.lowRank(1), Perturbation.lowRank(2)
    };

    /**
     * A small convnet on 8×8 single-channel images given as rows of 64, every new module on the way:
     * a padded convolution with a bias on the shared input, a strided one without on the members' own.
     */
    private static Sequential smallConvnet() {
        TorchGenerator generator = new TorchGenerator(3);
        return new Sequential(
                new Unflatten(1, 1, 8, 8),
                new Conv2d(1, 3, 3, 1, 1, true, generator),
                new ReLU(),
                new MaxPool2d(2),
                new Conv2d(3, 4, 3, 2, 1, false, generator),
                new AvgPool2d(2, 1),
                new Dropout(0.5f, 1),
                new Flatten(),
                new Linear(4, 5, true, generator));
    }

    private static Batch batch(int rows) {
        Random r = new Random(5);
        float[] x = new float[rows * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return Batch.of(Tensor.wrap(x, rows, 64), r.ints(rows, 0, 5).toArray());
    }

    private static float[] memberByMember(Module model, Batch batch, Population population) {
        return PopulationEvaluatorTest.memberByMember(model, Objective.crossEntropy(), batch, population);
    }

    /** The same model behind a module with no population path: every member through the functional fallback. */
    private static Module opaque(Module model) {
        return new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return model.forward(x);
            }

            @Override
            public List<Tensor> parameters() {
                return model.parameters();
            }

            @Override
            public Module train(boolean mode) {
                model.train(mode);
                return this;
            }
        };
    }

    private static void assertRelative(float[] expected, float[] actual, String what) {
        for (int m = 0; m < expected.length; m++) {
            assertEquals(expected[m], actual[m], 2e-6f * Math.abs(expected[m]), what + ", member " + m);
        }
    }

    @Test
    void populationLossesEqualThePlainPerturbedForwardAndTheFallback() {
        Sequential model = smallConvnet();
        Batch batch = batch(6);
        for (Perturbation p : FAMILIES) {
            for (boolean antithetic : new boolean[] {true, false}) {
                String what = p + (antithetic ? ", antithetic" : "");
                Population population = Population.es(p, 0.05f, antithetic, 11, 0, 4);
                float[] losses = new float[population.members()];
                float[] w0 = Parameters.flatten(model.parameters());
                PopulationEvaluator evaluator = new PopulationEvaluator();
                float center = evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses);
                assertEquals(List.of(), evaluator.fallbacks(), "the convolutions take their own population path");
                assertArrayEquals(w0, Parameters.flatten(model.parameters()), "the model is left as it was");
                model.eval();
                try (var scope = Tape.noGrad()) {
                    assertEquals(Objective.crossEntropy().value(model.forward(batch.inputs()), batch), center);
                }
                model.train();
                assertRelative(memberByMember(model, batch, population), losses, what + " against the plain forward");

                float[] fallback = new float[population.members()];
                PopulationEvaluator opaqueEvaluator = new PopulationEvaluator();
                opaqueEvaluator.evaluate(opaque(model), Objective.crossEntropy(), batch, population, fallback);
                assertFalse(opaqueEvaluator.fallbacks().isEmpty());
                assertRelative(fallback, losses, what + " against the functional fallback");
                assertNotEquals(losses[0], losses[1], "the members differ");
            }
        }
    }

    /** A learned gain with no population path: it takes the fallback, so the convolutions after it see own inputs. */
    static final class Gain implements Module {
        final Tensor g = Tensor.uniform(4, 0.5f, 1.5f, 1).requiresGrad(true);

        @Override
        public Tensor forward(Tensor x) {
            Tensor scale = Tensor.wrap(new float[x.size()], x.shape());
            java.util.Arrays.fill(scale.data(), g.data()[0]);
            return x.mul(scale);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(g);
        }
    }

    @Test
    void onAMembersOwnInputAFullRankConvolutionIsThePlainForwardToTheBit() {
        TorchGenerator generator = new TorchGenerator(8);
        Sequential model = new Sequential(
                new Unflatten(1, 1, 8, 8),
                new Gain(),
                new Conv2d(1, 3, 3, 1, 1, true, generator),
                new ReLU(),
                new Conv2d(3, 5, 8, 1, 0, true, generator),
                new Flatten());
        Batch batch = batch(5);
        for (boolean antithetic : new boolean[] {true, false}) {
            Population population = Population.es(Perturbation.fullRank(), 0.05f, antithetic, 3, 2, 4);
            float[] losses = new float[population.members()];
            for (int t = 1; t <= 2; t++) {
                try (var threads = Parallel.withThreads(t)) {
                    new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch, population, losses);
                }
                assertArrayEquals(memberByMember(model, batch, population), losses, t + " threads");
            }
        }
        Population lowRank = Population.es(Perturbation.lowRank(2), 0.05f, true, 3, 2, 4);
        float[] losses = new float[lowRank.members()];
        new PopulationEvaluator().evaluate(model, Objective.crossEntropy(), batch, lowRank, losses);
        assertRelative(memberByMember(model, batch, lowRank), losses, "low-rank");
    }

    @Test
    void populationLossesAreBitIdenticalOnOneAndTwoThreads() {
        Sequential model = smallConvnet();
        Batch batch = batch(10);
        for (Perturbation p : FAMILIES) {
            for (boolean antithetic : new boolean[] {true, false}) {
                Population population = Population.es(p, 0.05f, antithetic, 2, 1, 7);
                float[][] losses = new float[2][population.members()];
                for (int t = 1; t <= 2; t++) {
                    try (var threads = Parallel.withThreads(t)) {
                        new PopulationEvaluator()
                                .evaluate(model, Objective.crossEntropy(), batch, population, losses[t - 1]);
                    }
                }
                assertArrayEquals(losses[0], losses[1], p + (antithetic ? ", antithetic" : ""));
            }
        }
    }

    @Test
    void theReferenceConvnetTakesThePopulationPathOnOneAndTwoThreads() {
        Sequential model = Convnets.reference(0);
        Random r = new Random(2);
        float[] x = new float[4 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        Batch batch = Batch.of(Tensor.wrap(x, 4, 784), r.ints(4, 0, 10).toArray());
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1)}) {
            Population population = Population.es(p, 0.02f, true, 5, 0, 3);
            float[][] losses = new float[2][population.members()];
            for (int t = 1; t <= 2; t++) {
                try (var threads = Parallel.withThreads(t)) {
                    PopulationEvaluator evaluator = new PopulationEvaluator();
                    evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses[t - 1]);
                    assertEquals(List.of(), evaluator.fallbacks());
                }
            }
            assertArrayEquals(losses[0], losses[1], p.toString());
            assertRelative(memberByMember(model, batch, population), losses[0], p.toString());
        }
    }

    /** Lockstep: each member's own rows through the convolutions (a padded one with a bias, a strided one without). */
    @Test
    void inLockstepEachMemberGetsThePlainForwardAtItsWeights() {
        TorchGenerator generator = new TorchGenerator(6);
        Sequential model = new Sequential(
                new Unflatten(1, 1, 8, 8),
                new Conv2d(1, 3, 3, 1, 1, true, generator),
                new ReLU(),
                new Conv2d(3, 2, 3, 2, 0, false, generator),
                new Flatten());
        int rows = 2;
        for (Perturbation p : FAMILIES) {
            for (boolean antithetic : new boolean[] {true, false}) {
                Population population = Population.es(p, 0.1f, antithetic, 5, 1, 7);
                int members = population.members();
                Tensor inputs = Tensor.uniform(9, -1f, 1f, members * rows, 64);
                float[] out = new float[members * rows * 18];
                PopulationEvaluator evaluator = new PopulationEvaluator();
                evaluator.forwardLockstep(model, population, inputs, out);
                assertEquals(List.of(), evaluator.fallbacks());
                List<Tensor> params = model.parameters();
                float[] w0 = Parameters.flatten(params);
                try (var scope = Tape.noGrad()) {
                    for (int m = 0; m < members; m++) {
                        int d = antithetic ? m / 2 : m;
                        float sign = antithetic && m % 2 == 1 ? -1f : 1f;
                        population.apply(d, sign * population.sigma(), params);
                        float[] x = java.util.Arrays.copyOfRange(inputs.data(), m * rows * 64, (m + 1) * rows * 64);
                        float[] y = model.forward(Tensor.wrap(x, rows, 64)).data();
                        Parameters.unflatten(w0, params);
                        for (int i = 0; i < y.length; i++) {
                            float actual = out[m * y.length + i];
                            assertEquals(y[i], actual, 1e-5f * Math.max(1, Math.abs(y[i])), p + ", member " + m);
                        }
                    }
                }
            }
        }
    }

    @Test
    void repeatedEvaluationsReuseTheirWorkspaceArrays() {
        PopulationEvaluatorTest.assertReusesWorkspaceArrays(smallConvnet(), batch(6));
    }
}

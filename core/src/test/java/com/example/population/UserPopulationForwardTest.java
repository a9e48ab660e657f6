package com.example.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.simd.Parallel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Modules written outside the library that implement its population protocol. */
class UserPopulationForwardTest {

    private static final int ROWS = 13;
    private static final int IN = 11;
    private static final int HIDDEN = 9;
    private static final int CLASSES = 5;
    private static final Perturbation[] PERTURBATIONS = {
        Perturbation.fullRank(), Perturbation.lowRank(1), Perturbation.lowRank(2)
    };

    /** The same module with no population path of its own: the evaluator's functional fallback. */
    private static Module opaque(Module m) {
        return new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return m.forward(x);
            }

            @Override
            public List<Tensor> parameters() {
                return m.parameters();
            }
        };
    }

    private static Batch batch() {
        Random r = new Random(17);
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

    /** Member by member: the model's ordinary forward with its parameters moved onto the member. */
    private static float[] perturbedForward(Module model, Batch batch, Population population) {
        List<Tensor> params = model.parameters();
        float[] w0 = Parameters.flatten(params);
        float[] losses = new float[population.members()];
        try (var scope = Tape.noGrad()) {
            for (int m = 0; m < losses.length; m++) {
                int d = population.antithetic() ? m / 2 : m;
                float sign = population.antithetic() && m % 2 == 1 ? -1f : 1f;
                population.apply(d, sign * population.sigma(), params);
                losses[m] = Objective.crossEntropy().value(model.forward(batch.inputs()), batch);
                Parameters.unflatten(w0, params);
            }
        }
        return losses;
    }

    private static float[] evaluate(Module model, Batch batch, Population population, List<Module> fallbacks) {
        float[] losses = new float[population.members()];
        PopulationEvaluator evaluator = new PopulationEvaluator();
        evaluator.evaluate(model, Objective.crossEntropy(), batch, population, losses);
        assertEquals(fallbacks, evaluator.fallbacks());
        return losses;
    }

    @Test
    void sharedFeaturesMatchTheFallbackAndThePerturbedForwardBitForBit() {
        Batch batch = batch();
        // The first layer sees the population's input (its shared phase runs once), the second each
        // member's own activations (once per member).
        RandomFeatures first = new RandomFeatures(IN, 16, HIDDEN, 1);
        RandomFeatures second = new RandomFeatures(HIDDEN, 7, CLASSES, 2);
        Module model = new Sequential(first, new Tanh(), second);
        Module first2 = opaque(first);
        Module second2 = opaque(second);
        Module fallback = new Sequential(first2, new Tanh(), second2);
        for (Perturbation p : PERTURBATIONS) {
            for (boolean antithetic : new boolean[] {false, true}) {
                Population population = Population.es(p, 0.1f, antithetic, 5, 2, 7);
                float[] expected = perturbedForward(model, batch, population);
                for (int threads = 1; threads <= 2; threads++) {
                    try (var t = Parallel.withThreads(threads)) {
                        String where = p + (antithetic ? ", antithetic, " : ", ") + threads + " threads";
                        assertArrayEquals(expected, evaluate(model, batch, population, List.of()), where);
                        assertArrayEquals(
                                expected, evaluate(fallback, batch, population, List.of(first2, second2)), where);
                    }
                }
            }
        }
    }

    @Test
    void aUserLinearSharesItsProductsAsTheLibrarysLinearDoes() {
        Batch batch = batch();
        Linear a = new Linear(IN, HIDDEN, false, 3);
        Linear b = new Linear(HIDDEN, CLASSES, false, 4);
        Module library = new Sequential(a, new Sigmoid(), b);
        Module user = new Sequential(new BiasFreeLinear(a.weight()), new Sigmoid(), new BiasFreeLinear(b.weight()));
        for (Perturbation p : PERTURBATIONS) {
            for (boolean antithetic : new boolean[] {false, true}) {
                Population population = Population.es(p, 0.1f, antithetic, 6, 1, 7);
                float[] direct = perturbedForward(library, batch, population);
                for (int threads = 1; threads <= 2; threads++) {
                    try (var t = Parallel.withThreads(threads)) {
                        float[] losses = evaluate(user, batch, population, List.of());
                        assertArrayEquals(evaluate(library, batch, population, List.of()), losses);
                        // X·Wᵀ + X·Eᵀ rounds differently from X·(W + E)ᵀ, by float32 rounding only.
                        for (int m = 0; m < losses.length; m++) {
                            assertEquals(direct[m], losses[m], 2e-6f * Math.abs(direct[m]), "member " + m);
                        }
                    }
                }
            }
        }
    }
}

package dev.gradlab.core.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.simd.Parallel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members with inputs of their own (lockstep rollouts) against member-by-member forward passes. */
class LockstepTest {

    private static final int ROWS = 3;

    private static Module model() {
        return new Sequential(
                new Linear(4, 16, true, 1),
                new Tanh(),
                new Linear(16, 8, false, 2),
                new ReLU(),
                new PopulationEvaluatorTest.Scale(8, 5),
                new Linear(8, 2, true, 3));
    }

    private static Tensor inputs(int members) {
        return Tensor.uniform(11, -1f, 1f, members * ROWS, 4);
    }

    /** Member m: its rows through the ordinary forward at explicitly perturbed weights. */
    private static float[] memberByMember(Module model, Population population, Tensor inputs) {
        List<Tensor> params = model.parameters();
        float[] w0 = Parameters.flatten(params);
        int members = population.members();
        float[] out = null;
        try (var scope = Tape.noGrad()) {
            for (int m = 0; m < members; m++) {
                int d = population.antithetic() ? m / 2 : m;
                float sign = population.antithetic() && m % 2 == 1 ? -1f : 1f;
                population.apply(d, sign * population.sigma(), params);
                float[] rows = Arrays.copyOfRange(inputs.data(), m * ROWS * 4, (m + 1) * ROWS * 4);
                Tensor y = model.forward(Tensor.wrap(rows, ROWS, 4));
                if (out == null) {
                    out = new float[members * y.size()];
                }
                System.arraycopy(y.data(), 0, out, m * y.size(), y.size());
                Parameters.unflatten(w0, params);
            }
        }
        return out;
    }

    @Test
    void agreesWithMemberByMemberForwardPasses() {
        for (Perturbation p :
                new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1), Perturbation.lowRank(2)}) {
            for (boolean antithetic : new boolean[] {false, true}) {
                Module model = model();
                Population population = Population.es(p, 0.1f, antithetic, 7, 2, 5);
                Tensor inputs = inputs(population.members());
                float[] w0 = Parameters.flatten(model.parameters());
                float[] out = new float[population.members() * ROWS * 2];
                PopulationEvaluator evaluator = new PopulationEvaluator();
                int[] shape = evaluator.forwardLockstep(model, population, inputs, out);
                assertArrayEquals(new int[] {ROWS, 2}, shape);
                assertArrayEquals(w0, Parameters.flatten(model.parameters()), "the model is left as it was");
                float[] expected = memberByMember(model, population, inputs);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(
                            expected[i],
                            out[i],
                            1e-5f * Math.max(1, Math.abs(expected[i])),
                            p + (antithetic ? " antithetic" : "") + " at " + i);
                }
                assertEquals(
                        1, evaluator.fallbacks().size(), "Scale takes the fallback, the Linears their member phase");
            }
        }
    }

    /** A {@code Linear} without a lockstep loop of its own: each member through share and forwardMember. */
    private record MemberByMember(Linear linear) implements PopulationForward<MatrixProduct> {
        @Override
        public Tensor forward(Tensor x) {
            return linear.forward(x);
        }

        @Override
        public List<Tensor> parameters() {
            return linear.parameters();
        }

        @Override
        public MatrixProduct share(Tensor input, Tensor output, SharedInput shared) {
            return linear.share(input, output, shared);
        }

        @Override
        public Tensor forwardMember(MatrixProduct shared, Member member) {
            return linear.forwardMember(shared, member);
        }
    }

    @Test
    void linearsLoopOverTheMembersGivesWhatEachMembersPhaseGives() {
        Linear[] layers = {new Linear(4, 64, true, 1), new Linear(64, 2, true, 2), new Linear(2, 16, false, 3)};
        Module fused = new Sequential(layers[0], new Tanh(), layers[1], layers[2]);
        Module each = new Sequential(
                new MemberByMember(layers[0]),
                new Tanh(),
                new MemberByMember(layers[1]),
                new MemberByMember(layers[2]));
        for (Perturbation p :
                new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1), Perturbation.lowRank(3)}) {
            for (boolean antithetic : new boolean[] {false, true}) {
                Population population = Population.es(p, 0.1f, antithetic, 9, 1, 37);
                Tensor inputs = inputs(population.members());
                float[] a = new float[population.members() * ROWS * 16];
                float[] b = new float[a.length];
                new PopulationEvaluator().forwardLockstep(fused, population, inputs, a);
                new PopulationEvaluator().forwardLockstep(each, population, inputs, b);
                assertArrayEquals(b, a, p + (antithetic ? " antithetic" : ""));
            }
        }
    }

    @Test
    void bitIdenticalOnOneAndTwoThreads() {
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
            Population population = Population.es(p, 0.1f, true, 4, 2, 33);
            Tensor inputs = inputs(population.members());
            float[][] out = new float[2][population.members() * ROWS * 2];
            for (int t = 1; t <= 2; t++) {
                try (var threads = Parallel.withThreads(t)) {
                    new PopulationEvaluator().forwardLockstep(model(), population, inputs, out[t - 1]);
                }
            }
            assertArrayEquals(out[0], out[1]);
        }
    }

    @Test
    void theNoiseKeptBetweenStepsGivesWhatAFreshEvaluatorGives() {
        Module model = model();
        PopulationEvaluator kept = new PopulationEvaluator();
        for (int step = 0; step < 3; step++) {
            // Two populations in turn: the kept noise must follow the population it belongs to.
            Population population = Population.es(Perturbation.lowRank(2), 0.1f, true, 4, step % 2, 5);
            Tensor inputs = Tensor.uniform(30 + step, -1f, 1f, population.members() * ROWS, 4);
            float[] a = new float[population.members() * ROWS * 2];
            float[] b = new float[a.length];
            kept.forwardLockstep(model, population, inputs, a);
            kept.forwardLockstep(model, population, inputs, a);
            new PopulationEvaluator().forwardLockstep(model, population, inputs, b);
            assertArrayEquals(b, a, "step " + step);
        }
    }

    @Test
    void aKeptEvaluatorFollowsTheModelItIsGiven() {
        Population population = Population.es(Perturbation.lowRank(1), 0.1f, true, 4, 2, 5);
        Tensor inputs = inputs(population.members());
        PopulationEvaluator kept = new PopulationEvaluator();
        for (long seed = 1; seed <= 3; seed++) {
            // Same architecture, other weights: neither the plan nor the noise of the last model may be reused.
            Module model =
                    new Sequential(new Linear(4, 16, true, seed), new Tanh(), new Linear(16, 2, true, seed + 10));
            float[] a = new float[population.members() * ROWS * 2];
            float[] b = new float[a.length];
            kept.forwardLockstep(model, population, inputs, a);
            new PopulationEvaluator().forwardLockstep(model, population, inputs, b);
            assertArrayEquals(b, a, "model " + seed);
        }
    }

    @Test
    void someMembersGiveWhatEveryMemberGivesThem() {
        Module model = model();
        Population population = Population.es(Perturbation.lowRank(2), 0.1f, true, 4, 2, 7);
        Tensor inputs = inputs(population.members());
        float[] every = new float[population.members() * ROWS * 2];
        new PopulationEvaluator().forwardLockstep(model, population, inputs, every);
        int[] some = {13, 2, 3, 8};
        float[] out = new float[every.length];
        Arrays.fill(out, -7f);
        new PopulationEvaluator().forwardLockstep(model, population, some, 3, inputs, out);
        int block = ROWS * 2;
        for (int m = 0; m < population.members(); m++) {
            boolean listed = m == 13 || m == 2 || m == 3;
            for (int j = m * block; j < (m + 1) * block; j++) {
                assertEquals(listed ? every[j] : -7f, out[j], "member " + m + " at " + j);
            }
        }
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new PopulationEvaluator().forwardLockstep(model, population, new int[] {14}, 1, inputs, out));
        assertTrue(e.getMessage().contains("members[0] must be in [0, 14)"), e.getMessage());
    }

    /** The block callback sees each listed member once, on 1 and 2 threads, after its rows of out are set. */
    @Test
    void eachBlockIsHandedBackWithItsOutputsSet() {
        Module model = model();
        Population population = Population.es(Perturbation.lowRank(1), 0.1f, true, 4, 2, 150);
        int members = population.members();
        Tensor inputs = inputs(members);
        float[] every = new float[members * ROWS * 2];
        new PopulationEvaluator().forwardLockstep(model, population, inputs, every);
        int[] some = new int[members - 1];
        for (int i = 0; i < some.length; i++) {
            some[i] = members - 1 - i;
        }
        int block = ROWS * 2;
        for (int t = 1; t <= 2; t++) {
            try (var threads = Parallel.withThreads(t)) {
                float[] out = new float[every.length];
                float[] seen = new float[every.length];
                int[] calls = new int[members];
                new PopulationEvaluator()
                        .forwardLockstep(model, population, some, some.length, inputs, out, (list, from, to) -> {
                            for (int i = from; i < to; i++) {
                                int m = list[i];
                                calls[m]++;
                                System.arraycopy(out, m * block, seen, m * block, block);
                            }
                        });
                for (int m = 0; m < members; m++) {
                    assertEquals(m == 0 ? 0 : 1, calls[m], "calls for member " + m + " on " + t + " threads");
                }
                float[] expected = every.clone();
                Arrays.fill(expected, 0, block, 0f);
                assertArrayEquals(expected, seen, t + " threads");
            }
        }
    }

    @Test
    void rejectsInputsThatDoNotStackTheMembers() {
        Population population = Population.es(Perturbation.fullRank(), 0.1f, true, 4, 2, 3);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new PopulationEvaluator()
                        .forwardLockstep(model(), population, Tensor.zeros(7, 4), new float[14]));
        assertTrue(e.getMessage().contains("6 members' rows"), e.getMessage());
        var size = assertThrows(
                IllegalArgumentException.class,
                () -> new PopulationEvaluator().forwardLockstep(model(), population, Tensor.zeros(6, 4), new float[5]));
        assertTrue(size.getMessage().contains("out must hold"), size.getMessage());
    }
}

package dev.gradlab.optim.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import org.junit.jupiter.api.Test;

class GaTest {

    private static Ga ga(int dim, long seed) {
        return Ga.builder(new float[dim])
                .sigma(0.3f)
                .population(16)
                .parents(4)
                .elites(1)
                .seed(seed)
                .build();
    }

    @Test
    void reachesTheShiftedSphereIn2d() {
        for (long seed = 0; seed < 3; seed++) {
            TestFunction sphere = TestFunction.of(TestFunction.Kind.SPHERE, 2, seed);
            Ga ga = ga(2, seed);
            ga.minimize(sphere, 600);
            assertTrue(ga.bestFitness() <= 0.02, "seed " + seed + ": best f " + ga.bestFitness());
            // The elite carries the best member on, so the center is never worse than the last generation's best.
            assertTrue(sphere.evaluate(ga.center()) <= 0.05, "center f " + sphere.evaluate(ga.center()));
        }
    }

    @Test
    void membersAreTheElitesThenChildrenOfTheParentsBySeed() {
        float[] start = {0.5f, -1f, 2f};
        Ga ga = Ga.builder(start)
                .sigma(0.2f)
                .population(6)
                .parents(3)
                .elites(2)
                .seed(9)
                .build();
        // Generation 0 has one parent: one elite, the start, and P − E = 4 children of it.
        Generation g = ga.ask();
        assertEquals(5, g.size());
        float[] x = new float[3];
        g.member(0, x);
        assertArrayEquals(start, x);
        float[][] members = new float[5][3];
        for (int m = 0; m < 5; m++) {
            g.member(m, members[m]);
        }
        assertArrayEquals(child(start, 0.2f, GeneticSelection.mutationSeed(9, 0, 2)), members[3]);
        ga.tell(g, new double[] {3, Double.NaN, 1, 2, 1});
        // The three fittest, ties to the lower index, the failure last: members 2, 4 and 3.
        assertArrayEquals(members[2], ga.center());
        assertEquals(1, ga.nonFiniteEvaluations());
        Generation next = ga.ask();
        assertEquals(6, next.size());
        float[][] parents = {members[2], members[4], members[3]};
        next.member(1, x);
        assertArrayEquals(parents[1], x);
        for (int c = 0; c < 4; c++) {
            long s = GeneticSelection.mutationSeed(9, 1, c);
            next.member(2 + c, x);
            assertArrayEquals(child(parents[GeneticSelection.parentIndex(s, 3)], 0.2f, s), x, "child " + c);
        }
    }

    private static float[] child(float[] parent, float sigma, long seed) {
        float[] z = new float[parent.length];
        Simd.kernels().gaussian(seed, 0, 0, z, 0, z.length);
        for (int i = 0; i < z.length; i++) {
            z[i] = parent[i] + sigma * z[i];
        }
        return z;
    }

    @Test
    void resumesBitForBit() {
        TestFunction f = TestFunction.of(TestFunction.Kind.ROSENBROCK, 6, 2);
        Ga straight = ga(6, 7);
        run(straight, f, 40);
        Ga first = ga(6, 7);
        run(first, f, 20);
        SearchState saved = first.state();
        Ga resumed = ga(6, 7);
        resumed.restore(saved);
        run(resumed, f, 20);
        assertEquals(straight.state(), resumed.state());
        assertArrayEquals(straight.center(), resumed.center());
        assertArrayEquals(straight.best(), resumed.best());
        var other = assertThrows(
                IllegalArgumentException.class,
                () -> Ga.builder(new float[6]).parents(5).build().restore(saved));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void isBitIdenticalOnOneAndTwoThreads() {
        int dim = 5_000;
        TestFunction f = TestFunction.of(TestFunction.Kind.RASTRIGIN, dim, 5);
        SearchState[] states = new SearchState[2];
        for (int threads = 1; threads <= 2; threads++) {
            try (var t = Parallel.withThreads(threads)) {
                Ga ga = ga(dim, 3);
                run(ga, f, 5);
                states[threads - 1] = ga.state();
            }
        }
        assertEquals(states[0], states[1]);
    }

    @Test
    void refusesSettingsThatCannotSelect() {
        var e = assertThrows(
                InvalidSettingException.class,
                () -> Ga.builder(new float[2])
                        .population(8)
                        .parents(9)
                        .elites(2)
                        .build());
        assertTrue(e.getMessage().contains("E = 2, T = 9, P = 8"), e.getMessage());
        assertThrows(
                InvalidSettingException.class,
                () -> Ga.builder(new float[2]).sigma(0f).build());
    }

    private static void run(SearchStrategy s, FlatFitness f, int generations) {
        for (int i = 0; i < generations; i++) {
            Generation g = s.ask();
            s.tell(g, g.evaluate(f));
        }
    }
}

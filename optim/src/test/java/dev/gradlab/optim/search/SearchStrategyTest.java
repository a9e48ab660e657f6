package dev.gradlab.optim.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.simd.Parallel;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchStrategyTest {

    @ParameterizedTest
    @ValueSource(strings = {"es", "pgpe", "snes", "cmaes"})
    void reachesTheShiftedSphereIn2dWithin300Evaluations(String name) {
        for (long seed = 0; seed < 3; seed++) {
            TestFunction sphere = TestFunction.of(TestFunction.Kind.SPHERE, 2, seed);
            SearchStrategy strategy = SearchStrategies.forBox(name, 2, seed);
            long used = strategy.minimize(sphere, 300);
            assertTrue(used <= 300, name + " used " + used);
            assertTrue(strategy.bestFitness() <= 0.02, name + " seed " + seed + ": best f " + strategy.bestFitness());
            assertEquals(strategy.bestFitness(), sphere.evaluate(strategy.best()));
        }
    }

    @Test
    void cmaEsSolvesTheIllConditionedEllipsoidIn10d() {
        TestFunction f = TestFunction.of(TestFunction.Kind.ELLIPSOID, 10, 3);
        SearchStrategy cma = CmaEs.builder(new float[10]).sigma(2f).seed(3).build();
        untilBelow(cma, f, 1e-8, 10_000);
    }

    @Test
    void cmaEsSolvesRosenbrockIn10d() {
        TestFunction f = TestFunction.of(TestFunction.Kind.ROSENBROCK, 10, 3);
        SearchStrategy cma = CmaEs.builder(new float[10]).sigma(2f).seed(3).build();
        untilBelow(cma, f, 1e-6, 20_000);
    }

    private static void untilBelow(SearchStrategy s, FlatFitness f, double target, long budget) {
        while (s.bestFitness() >= target && s.evaluations() + s.populationSize() <= budget) {
            Generation g = s.ask();
            s.tell(g, g.evaluate(f));
        }
        assertTrue(s.bestFitness() < target, "best f " + s.bestFitness() + " after " + s.evaluations());
    }

    @Test
    void ipopRestartsWithTwiceThePopulationWhenARunStalls() {
        TestFunction f = TestFunction.of(TestFunction.Kind.RASTRIGIN, 5, 0);
        CmaEs cma = CmaEs.builder(new float[5]).sigma(2f).seed(1).build();
        int lambda = cma.populationSize();
        cma.minimize(f, 20_000);
        assertTrue(cma.restarts() >= 1, "no restart on rastrigin");
        assertEquals(lambda << cma.restarts(), cma.populationSize());
    }

    private static Supplier<SearchStrategy> factory(String name, int dim) {
        return () -> SearchStrategies.forBox(name, dim, 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"es", "pgpe", "snes", "cmaes"})
    void resumesBitForBit(String name) {
        TestFunction f = TestFunction.of(TestFunction.Kind.ROSENBROCK, 6, 2);
        SearchStrategy straight = factory(name, 6).get();
        run(straight, f, 40);
        SearchStrategy first = factory(name, 6).get();
        run(first, f, 20);
        SearchState saved = first.state();
        SearchStrategy resumed = factory(name, 6).get();
        resumed.restore(saved);
        run(resumed, f, 20);
        assertStatesEqual(straight.state(), resumed.state());
        assertArrayEquals(straight.best(), resumed.best());
    }

    @ParameterizedTest
    @ValueSource(strings = {"es", "pgpe", "snes"})
    void diagonalStrategiesAreBitIdenticalOnOneAndTwoThreadsAtNetworkSize(String name) {
        // Over 8192 coordinates the noise sums split into parallel chunks, and members evaluate in parallel.
        int dim = 20_000;
        TestFunction f = TestFunction.of(TestFunction.Kind.RASTRIGIN, dim, 5);
        SearchState[] states = new SearchState[2];
        for (int threads = 1; threads <= 2; threads++) {
            try (var t = Parallel.withThreads(threads)) {
                SearchStrategy s = factory(name, dim).get();
                run(s, f, 3);
                states[threads - 1] = s.state();
            }
        }
        assertStatesEqual(states[0], states[1]);
    }

    @Test
    void cmaEsIsBitIdenticalOnOneAndTwoThreads() {
        TestFunction f = TestFunction.of(TestFunction.Kind.ELLIPSOID, 12, 5);
        SearchState[] states = new SearchState[2];
        for (int threads = 1; threads <= 2; threads++) {
            try (var t = Parallel.withThreads(threads)) {
                SearchStrategy s = factory("cmaes", 12).get();
                run(s, f, 30);
                states[threads - 1] = s.state();
            }
        }
        assertStatesEqual(states[0], states[1]);
    }

    @Test
    void restoreRefusesAStateOfOtherSettingsAndLeavesTheStrategyAsItWas() {
        SearchStrategy es = OpenAiEs.builder(new float[4]).population(8).build();
        SearchState before = es.state();
        SearchState other = OpenAiEs.builder(new float[4])
                .population(8)
                .optimizer(CenterOptimizer.sgd(0.1f, 0.9f))
                .build()
                .state();
        var e = assertThrows(IllegalArgumentException.class, () -> es.restore(other));
        assertTrue(e.getMessage().contains("other settings"), e.getMessage());
        assertStatesEqual(before, es.state());
        var wrongKind = assertThrows(
                IllegalArgumentException.class,
                () -> es.restore(Snes.builder(new float[4]).build().state()));
        assertTrue(wrongKind.getMessage().contains("snes"), wrongKind.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"es", "pgpe", "snes", "cmaes"})
    void nonFiniteFitnessIsRankedWorstAndCounted(String name) {
        TestFunction sphere = TestFunction.of(TestFunction.Kind.SPHERE, 2, 1);
        // Members left of x = −1 fail: the search must still reach the optimum and count the failures.
        FlatFitness failing = x -> x[0] < -1 ? Double.NaN : x[1] > 4.5 ? Double.POSITIVE_INFINITY : sphere.evaluate(x);
        assertTrue(sphere.optimum()[0] > -1 && sphere.optimum()[1] < 4.5, "the optimum must be where members succeed");
        SearchStrategy s = SearchStrategies.forBox(name, 2, 0);
        long failures = 0;
        while (s.evaluations() + s.populationSize() <= 600) {
            Generation g = s.ask();
            double[] fitness = g.evaluate(failing);
            for (double v : fitness) {
                failures += Double.isFinite(v) ? 0 : 1;
            }
            s.tell(g, fitness);
        }
        assertTrue(failures > 0, "no member failed: the test does not test the policy");
        assertEquals(failures, s.nonFiniteEvaluations());
        assertTrue(Double.isFinite(s.bestFitness()));
        assertTrue(s.bestFitness() <= 0.02, "best f " + s.bestFitness());
    }

    @Test
    void aGenerationWhoseMembersAllFailIsAnError() {
        SearchStrategy s = SearchStrategies.forBox("snes", 3, 0);
        Generation g = s.ask();
        double[] fitness = new double[g.size()];
        java.util.Arrays.fill(fitness, Double.NaN);
        fitness[1] = Double.NEGATIVE_INFINITY;
        var e = assertThrows(NonFiniteFitnessException.class, () -> s.tell(g, fitness));
        assertEquals(0, e.generation());
        assertTrue(e.getMessage().contains("all " + g.size() + " fitness values of generation 1"), e.getMessage());
    }

    @Test
    void tellChecksItsGenerationAndTheFitnessCount() {
        SearchStrategy s = SearchStrategies.forBox("es", 3, 0);
        Generation g = s.ask();
        assertThrows(IllegalArgumentException.class, () -> s.tell(g, new double[g.size() - 1]));
        s.tell(g, new double[g.size()]);
        var stale = assertThrows(IllegalStateException.class, () -> s.tell(g, new double[g.size()]));
        assertTrue(stale.getMessage().contains("generation 1 is not the current one (2)"), stale.getMessage());
        assertThrows(IllegalStateException.class, () -> g.member(0, new float[3]));
    }

    @Test
    void membersAreRegeneratedFromSeedsWithTheSameBits() {
        SearchStrategy s = SearchStrategies.forBox("pgpe", 5, 4);
        Generation g = s.ask();
        float[] a = new float[5];
        float[] b = new float[5];
        g.member(3, a);
        g.member(2, b);
        float[] center = s.center();
        for (int i = 0; i < 5; i++) {
            assertEquals(a[i] - center[i], center[i] - b[i], 1e-6f, "antithetic pair at " + i);
        }
        g.member(3, b);
        assertArrayEquals(a, b);
    }

    @Test
    void openAiEsMembersAreThePopulationOfTheSameSeedAndGeneration() {
        float[] center = {0.5f, -1f, 2f, 0.25f, 3f};
        OpenAiEs es = OpenAiEs.builder(center).sigma(0.2f).population(6).seed(9).build();
        es.tell(es.ask(), new double[6]);
        Generation g = es.ask();
        float[] now = es.center();
        dev.gradlab.core.population.Population population = dev.gradlab.core.population.Population.es(
                dev.gradlab.core.population.Perturbation.fullRank(), 0.2f, true, 9, g.index(), 3);
        float[] x = new float[5];
        for (int m = 0; m < 6; m++) {
            g.member(m, x);
            dev.gradlab.core.Tensor p = dev.gradlab.core.Tensor.wrap(now.clone(), 5);
            population.apply(m / 2, m % 2 == 0 ? 0.2f : -0.2f, java.util.List.of(p));
            assertArrayEquals(p.data(), x, 1e-6f, "member " + m);
        }
    }

    @Test
    void docsExample() {
        // docs/optim.md, "Ask and tell"
        TestFunction rastrigin = TestFunction.of(TestFunction.Kind.RASTRIGIN, 10, 1);
        SearchStrategy cma = CmaEs.builder(new float[10]).sigma(2f).seed(42).build();
        while (cma.evaluations() < 5_000) {
            Generation g = cma.ask();
            double[] fitness = new double[g.size()];
            float[] x = new float[10];
            for (int m = 0; m < g.size(); m++) {
                g.member(m, x);
                fitness[m] = rastrigin.evaluate(x);
            }
            cma.tell(g, fitness);
        }
        SearchState saved = cma.state();
        assertTrue(cma.bestFitness() < 40, "best f " + cma.bestFitness());
        assertEquals(saved.longs()[2], cma.evaluations());
    }

    private static void run(SearchStrategy s, FlatFitness f, int generations) {
        for (int i = 0; i < generations; i++) {
            Generation g = s.ask();
            s.tell(g, g.evaluate(f));
        }
    }

    private static void assertStatesEqual(SearchState a, SearchState b) {
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.strategy(), b.strategy());
        assertArrayEquals(a.longs(), b.longs());
        assertArrayEquals(a.floats(), b.floats());
        assertArrayEquals(a.doubles(), b.doubles());
    }
}

package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.search.CenterOptimizer;
import dev.gradlab.optim.search.Generation;
import dev.gradlab.optim.search.OpenAiEs;
import dev.gradlab.optim.search.Pgpe;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.simd.Parallel;
import org.junit.jupiter.api.Test;

/** A 4→64→2 tanh policy trained by OpenAI-ES and PGPE solves CartPole-v1 (mean return ≥ 475 over 100 fresh episodes). */
class CartPoleTrainingTest {

    static final MlpPolicy POLICY = new MlpPolicy(true, 4, 64, 2);
    static final Rollouts ROLLOUTS = new Rollouts(CartPole::new, POLICY);

    /**
     * Trains until the center's mean return over 20 validation episodes reaches 490 (checked every
     * 5 generations), at most {@code maxGenerations}; each member is scored on 2 episodes, the same
     * for all members of a generation and new each generation.
     */
    static SearchStrategy train(SearchStrategy s, long seed, int maxGenerations) {
        for (int gen = 1; gen <= maxGenerations; gen++) {
            Generation g = s.ask();
            s.tell(g, g.evaluate(ROLLOUTS.negatedReturn(2, 1_000_000L * seed + gen)));
            if (gen % 5 == 0 && ROLLOUTS.meanReturn(s.center(), 20, 2_000_000_000L + gen) >= 490) {
                break;
            }
        }
        return s;
    }

    @Test
    void openAiEsSolvesCartPole() {
        float[] x0 = POLICY.initialParameters(0);
        SearchStrategy es = OpenAiEs.builder(x0).sigma(0.1f).population(64).optimizer(CenterOptimizer.adam(0.03f))
                .seed(0).build();
        try (var t = Parallel.withThreads(2)) {
            train(es, 0, 200);
        }
        double test = ROLLOUTS.meanReturn(es.center(), 100, 987_654_321L);
        assertTrue(test >= 475, "mean return over 100 fresh episodes " + test + " after " + es.evaluations());
    }

    @Test
    void pgpeSolvesCartPole() {
        float[] x0 = POLICY.initialParameters(0);
        SearchStrategy pgpe = Pgpe.builder(x0).sigma(0.1f).population(64).seed(0).build();
        try (var t = Parallel.withThreads(2)) {
            train(pgpe, 0, 200);
        }
        double test = ROLLOUTS.meanReturn(pgpe.center(), 100, 987_654_321L);
        assertTrue(test >= 475, "mean return over 100 fresh episodes " + test + " after " + pgpe.evaluations());
    }

    @Test
    void aPolicyOfZerosAlwaysPushesLeftAndFailsFast() {
        // Zero logits tie, argmax picks action 0: the cart is pushed left every step and the pole falls.
        double r = ROLLOUTS.meanReturn(new float[POLICY.parameterCount()], 10, 1);
        assertTrue(r > 5 && r < 20, "return " + r);
        assertEquals(450, POLICY.parameterCount());
    }
}

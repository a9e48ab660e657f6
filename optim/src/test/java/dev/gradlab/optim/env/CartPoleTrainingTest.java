package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.simd.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A 4→64→2 tanh policy trained by OpenAI-ES, PGPE and the GA solves CartPole-v1 (mean return ≥ 475 over 100 fresh episodes). */
class CartPoleTrainingTest {

    static final PolicyTask TASK = PolicyTask.named("cartpole");

    @ParameterizedTest
    @ValueSource(strings = {"es", "pgpe", "ga"})
    void solvesCartPole(String method) {
        SearchStrategy strategy = TASK.strategy(method, 0);
        try (var t = Parallel.withThreads(2)) {
            TASK.train(strategy, 0, 200, (g, n, r) -> {});
        }
        double test = TASK.test(strategy, 0);
        assertTrue(
                test >= 475,
                method + ": mean return over 100 fresh episodes " + test + " after " + strategy.evaluations());
    }

    @Test
    void aPolicyOfZerosAlwaysPushesLeftAndFailsFast() {
        // Zero logits tie, argmax picks action 0: the cart is pushed left every step and the pole falls.
        double r = TASK.rollouts().meanReturn(new float[450], 10, 1);
        assertTrue(r > 5 && r < 20, "return " + r);
        assertEquals(450, TASK.rollouts().policy().parameterCount());
    }
}

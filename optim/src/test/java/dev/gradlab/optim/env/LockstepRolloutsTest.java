package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.simd.Parallel;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockstepRolloutsTest {

    private static Module policy() {
        return new Sequential(new Linear(4, 64, true, 1), new Tanh(), new Linear(64, 2, true, 2));
    }

    /** What a user would write: each member's weights set explicitly, its episodes through forward. */
    private static double[] oneAtATime(Module model, Population population, int episodes, long seed) {
        List<Tensor> params = model.parameters();
        float[] w0 = Parameters.flatten(params);
        double[] returns = new double[population.members()];
        try (var scope = Tape.noGrad()) {
            for (int m = 0; m < population.members(); m++) {
                int d = population.antithetic() ? m / 2 : m;
                float sign = population.antithetic() && m % 2 == 1 ? -1f : 1f;
                population.apply(d, sign * population.sigma(), params);
                CartPole env = new CartPole(episodes);
                float[] obs = new float[episodes * 4];
                env.reset(seed, obs);
                float[] actions = new float[episodes];
                float[] rewards = new float[episodes];
                boolean[] done = new boolean[episodes];
                while (!env.allDone()) {
                    float[] logits = model.forward(Tensor.wrap(obs.clone(), episodes, 4)).data();
                    for (int e = 0; e < episodes; e++) {
                        actions[e] = logits[2 * e + 1] > logits[2 * e] ? 1 : 0;
                    }
                    env.step(actions, obs, rewards, done);
                    for (float r : rewards) {
                        returns[m] += r;
                    }
                }
                returns[m] /= episodes;
                Parameters.unflatten(w0, params);
            }
        }
        return returns;
    }

    @Test
    void lockstepEpisodesMatchMemberByMemberEpisodes() {
        Module model = policy();
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(1)}) {
            Population population = Population.es(p, 0.5f, true, 3, 1, 4);
            double[] lockstep = new LockstepRollouts(CartPole::new, true).meanReturns(model, population, 3, 17);
            double[] expected = oneAtATime(model, population, 3, 17);
            assertArrayEquals(expected, lockstep, p.toString());
            boolean differ = false;
            for (double r : lockstep) {
                differ |= r != lockstep[0];
            }
            assertTrue(differ, "members' returns differ: the perturbations act");
        }
    }

    @Test
    void bitIdenticalOnOneAndTwoThreads() {
        Population population = Population.es(Perturbation.lowRank(1), 0.5f, true, 3, 1, 6);
        double[][] returns = new double[2][];
        for (int t = 1; t <= 2; t++) {
            try (var threads = Parallel.withThreads(t)) {
                returns[t - 1] = new LockstepRollouts(CartPole::new, true).meanReturns(policy(), population, 2, 5);
            }
        }
        assertArrayEquals(returns[0], returns[1]);
        assertEquals(12, returns[0].length);
    }
}

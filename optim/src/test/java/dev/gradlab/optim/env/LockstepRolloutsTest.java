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
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.search.Ranks;
import dev.gradlab.simd.Parallel;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockstepRolloutsTest {

    private static Module policy() {
        return new Sequential(new Linear(4, 64, true, 1), new Tanh(), new Linear(64, 2, true, 2));
    }

    /** What a user would write: each member's weights set explicitly, its episodes through forward. */
    private static double[] oneAtATime(Module model, Population population, int episodes, long seed) {
        return oneAtATime(model, population, episodes, seed, true);
    }

    private static double[] oneAtATime(Module model, Population population, int episodes, long seed, boolean perturb) {
        List<Tensor> params = model.parameters();
        float[] w0 = Parameters.flatten(params);
        double[] returns = new double[population.members()];
        try (var scope = Tape.noGrad()) {
            for (int m = 0; m < population.members(); m++) {
                int d = population.antithetic() ? m / 2 : m;
                float sign = population.antithetic() && m % 2 == 1 ? -1f : 1f;
                if (perturb) {
                    population.apply(d, sign * population.sigma(), params);
                }
                CartPole env = new CartPole(episodes);
                float[] obs = new float[episodes * 4];
                env.reset(seed, obs);
                float[] actions = new float[episodes];
                float[] rewards = new float[episodes];
                boolean[] done = new boolean[episodes];
                while (!env.allDone()) {
                    float[] logits =
                            model.forward(Tensor.wrap(obs.clone(), episodes, 4)).data();
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

    /** A parameter-free module that records the rows it is given (in lockstep: every stepped member's). */
    private static final class RowCounter implements Module {
        final java.util.List<Integer> rows = new java.util.ArrayList<>();

        @Override
        public Tensor forward(Tensor x) {
            rows.add(x.dim(0));
            return x;
        }

        @Override
        public List<Tensor> parameters() {
            return List.of();
        }
    }

    @Test
    void membersWhoseEpisodesAllEndedDropOutOfTheSteps() {
        RowCounter counter = new RowCounter();
        Module model = new Sequential(new Linear(4, 64, true, 1), new Tanh(), counter, new Linear(64, 2, true, 2));
        Population population = Population.es(Perturbation.lowRank(1), 0.5f, true, 3, 1, 8);
        double[] expected = oneAtATime(model, population, 2, 17);
        counter.rows.clear();
        double[] lockstep;
        // One thread: the members' rows then go through the model in one block, each step one call.
        try (var threads = Parallel.withThreads(1)) {
            lockstep = new LockstepRollouts(CartPole::new, true).meanReturns(model, population, 2, 17);
        }
        assertArrayEquals(expected, lockstep);
        // After the probe of the output width (one row), 16 members × 2 episodes, fewer as members finish.
        assertEquals(List.of(1, 32), counter.rows.subList(0, 2));
        int last = counter.rows.get(counter.rows.size() - 1);
        assertTrue(last < 32 && last % 2 == 0, "rows stepped " + counter.rows);
    }

    /** The model's own mean return, its episodes stepped through its ordinary forward. */
    private static double meanReturn(Module model, int episodes, long seed) {
        Population none = Population.es(Perturbation.fullRank(), 1f, false, 0, 0, 1);
        double[] r = oneAtATime(model, none, episodes, seed, false);
        return r[0];
    }

    @Test
    void lowRankEsTrainsThePolicyModuleInLockstep() {
        Module model = policy();
        List<Tensor> params = model.parameters();
        Adam adam = new Adam(params, 0.03f);
        float[] gradient = new float[Parameters.count(params)];
        LockstepRollouts rollouts = new LockstepRollouts(CartPole::new, true);
        int directions = 32;
        float sigma = 0.1f;
        try (var threads = Parallel.withThreads(2)) {
            for (int gen = 1; gen <= 200; gen++) {
                Population population = Population.es(Perturbation.lowRank(1), sigma, true, 11, gen, directions);
                double[] returns = rollouts.meanReturns(model, population, 2, 1000L + gen);
                int members = population.members();
                double[] fitness = new double[members];
                for (int m = 0; m < members; m++) {
                    fitness[m] = -returns[m];
                }
                double[] ranks = new double[members];
                Ranks.centered(fitness, members, ranks);
                float[] weights = new float[directions];
                for (int d = 0; d < directions; d++) {
                    weights[d] = (float) ((ranks[2 * d] - ranks[2 * d + 1]) / (members * sigma));
                }
                population.weightedSum(params, weights, gradient);
                int at = 0;
                for (Tensor p : params) {
                    p.setGrad(Tensor.wrap(java.util.Arrays.copyOfRange(gradient, at, at + p.size()), p.shape()));
                    at += p.size();
                }
                adam.step();
                if (gen % 5 == 0 && meanReturn(model, 20, 2_000_000_000L + gen) >= 490) {
                    break;
                }
            }
        }
        double test = meanReturn(model, 100, 987_654_321L);
        assertTrue(test >= 475, "mean return over 100 fresh episodes " + test);
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

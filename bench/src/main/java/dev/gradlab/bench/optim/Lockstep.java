package dev.gradlab.bench.optim;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.optim.env.CartPole;
import dev.gradlab.optim.env.LockstepRollouts;
import dev.gradlab.optim.env.PolicyTask;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.simd.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Environment steps per second of a population of the CartPole policy ({@code --task cartpole}'s
 * 4→64→2 tanh MLP as a {@link Sequential}), one episode per member: stepped in lockstep by
 * {@link LockstepRollouts} (every step one {@code PopulationEvaluator.forwardLockstep} over the
 * members still playing), against the same members stepped one at a time through the model's ordinary forward,
 * as a user would write it (the member's weights set into the model, its observation forwarded,
 * the weights restored after its episode). The policy's center is first trained by PGPE
 * ({@code PolicyTask}'s, seed 0), so that episodes run their length rather than fail in a few
 * steps. CartPole pays 1 a step, so a member's return is its episode's steps. Both ways must give
 * the same returns, to the bit, or the run fails. Arguments as {@code key=value}: members (1000),
 * sigma (0.1), rank (1: low-rank; 0: full-rank), threads (all; the one-at-a-time loop runs on the
 * calling thread either way), rounds (5, after 2 of warm-up), seed (1, the episodes and noise).
 * Prints one {@code round} line per round and side, then
 * {@code lockstep rank=R threads=T members=M steps_per_s=L (MIN-MAX) one_at_a_time=O (MIN-MAX) ratio=L/O},
 * medians over the rounds.
 */
public final class Lockstep {

    private Lockstep() {}

    public static void main(String[] args) {
        Map<String, String> a = Arguments.parse(args);
        int members = Integer.parseInt(a.getOrDefault("members", "1000"));
        float sigma = Float.parseFloat(a.getOrDefault("sigma", "0.1"));
        int rank = Integer.parseInt(a.getOrDefault("rank", "1"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        int threads = a.containsKey("threads") ? Integer.parseInt(a.get("threads")) : Parallel.threads();
        if (members < 2 || members % 2 != 0) {
            throw new IllegalArgumentException("members must be even and >= 2 (antithetic pairs), got " + members);
        }
        Perturbation perturbation = rank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(rank);
        try (var scope = Parallel.withThreads(threads)) {
            Module model = trainedPolicy();
            Population population = Population.es(perturbation, sigma, true, seed, 1, members / 2);
            LockstepRollouts lockstep = new LockstepRollouts(CartPole::new, true);
            double[] lockstepRates = new double[rounds];
            double[] userRates = new double[rounds];
            for (int r = -2; r < rounds; r++) {
                long t0 = System.nanoTime();
                double[] lockstepReturns = lockstep.meanReturns(model, population, 1, seed + r);
                long t1 = System.nanoTime();
                double[] userReturns = oneAtATime(model, population, seed + r);
                long t2 = System.nanoTime();
                if (!Arrays.equals(lockstepReturns, userReturns)) {
                    throw new IllegalStateException("round " + r + ": lockstep and one-at-a-time returns differ");
                }
                double steps = Arrays.stream(userReturns).sum();
                double l = steps / ((t1 - t0) / 1e9);
                double u = steps / ((t2 - t1) / 1e9);
                System.out.printf(
                        Locale.ROOT,
                        "round %d steps %.0f lockstep_steps_per_s %.0f one_at_a_time_steps_per_s %.0f%s%n",
                        r,
                        steps,
                        l,
                        u,
                        r < 0 ? " (warm-up)" : "");
                if (r >= 0) {
                    lockstepRates[r] = l;
                    userRates[r] = u;
                }
            }
            Arrays.sort(lockstepRates);
            Arrays.sort(userRates);
            double l = lockstepRates[rounds / 2];
            double u = userRates[rounds / 2];
            System.out.printf(
                    Locale.ROOT,
                    "lockstep rank=%d threads=%d members=%d steps_per_s=%.0f (%.0f-%.0f) one_at_a_time=%.0f (%.0f-%.0f)"
                            + " ratio=%.1f%n",
                    rank,
                    threads,
                    members,
                    l,
                    lockstepRates[0],
                    lockstepRates[rounds - 1],
                    u,
                    userRates[0],
                    userRates[rounds - 1],
                    l / u);
        }
    }

    /** The 4→64→2 policy module at the center PGPE reaches on CartPole (PolicyTask's layout is Linear's). */
    static Module trainedPolicy() {
        PolicyTask task = PolicyTask.named("cartpole");
        SearchStrategy pgpe = task.strategy("pgpe", 0);
        task.train(pgpe, 0, 200, (g, n, r) -> {});
        Module model = new Sequential(new Linear(4, 64, true, 1), new Tanh(), new Linear(64, 2, true, 2));
        Parameters.unflatten(pgpe.center(), model.parameters());
        return model;
    }

    /** What a user would write: each member's weights set into the model, its episode through forward. */
    static double[] oneAtATime(Module model, Population population, long seed) {
        List<Tensor> params = model.parameters();
        float[] center = Parameters.flatten(params);
        double[] returns = new double[population.members()];
        float[] obs = new float[4];
        float[] action = new float[1];
        float[] reward = new float[1];
        boolean[] done = new boolean[1];
        try (var noGrad = Tape.noGrad()) {
            for (int m = 0; m < returns.length; m++) {
                population.apply(m / 2, m % 2 == 0 ? population.sigma() : -population.sigma(), params);
                // Member m's episode starts as LockstepRollouts starts episode 0 of every member.
                CartPole env = new CartPole(1);
                env.reset(seed, obs);
                while (!env.allDone()) {
                    float[] logits = model.forward(Tensor.wrap(obs, 1, 4)).data();
                    action[0] = logits[1] > logits[0] ? 1 : 0;
                    env.step(action, obs, reward, done);
                    returns[m] += reward[0];
                }
                Parameters.unflatten(center, params);
            }
        }
        return returns;
    }
}

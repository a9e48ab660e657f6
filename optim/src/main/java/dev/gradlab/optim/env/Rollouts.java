package dev.gradlab.optim.env;

import dev.gradlab.optim.search.FlatFitness;
import java.util.function.IntFunction;

/**
 * Episodes of a {@link MlpPolicy} in a {@link VectorEnvironment}: one policy's {@code episodes}
 * episodes run in lockstep, episode {@code e} started from {@code (seed, e)}; each step is one
 * batched forward of the policy over every episode's observation.
 */
public final class Rollouts {

    private final IntFunction<VectorEnvironment> environments;
    private final MlpPolicy policy;

    /** {@code environments.apply(P)} makes a vectorized environment of {@code P} copies. */
    public Rollouts(IntFunction<VectorEnvironment> environments, MlpPolicy policy) {
        this.environments = environments;
        this.policy = policy;
    }

    public MlpPolicy policy() {
        return policy;
    }

    /** The mean return of the policy at {@code params} over {@code episodes} episodes from {@code seed}. */
    public double meanReturn(float[] params, int episodes, long seed) {
        VectorEnvironment env = environments.apply(episodes);
        float[] obs = new float[episodes * env.observationSize()];
        float[] actions = new float[episodes * env.actionSize()];
        float[] rewards = new float[episodes];
        boolean[] done = new boolean[episodes];
        float[][] scratch = policy.scratch(episodes);
        env.reset(seed, obs);
        double total = 0;
        while (!env.allDone()) {
            // Done episodes' rows are computed too (one GEMM over all rows); the environment ignores them.
            policy.act(params, obs, episodes, actions, scratch);
            env.step(actions, obs, rewards, done);
            for (int e = 0; e < episodes; e++) {
                total += rewards[e];
            }
        }
        return total / episodes;
    }

    /** The fitness to minimise: the negated mean return over {@code episodes} episodes from {@code seed}. */
    public FlatFitness negatedReturn(int episodes, long seed) {
        return x -> -meanReturn(x, episodes, seed);
    }
}

package dev.gradlab.optim.env;

import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import java.util.function.IntFunction;

/**
 * Episodes of every member of a {@link Population} of a policy {@link Module}, all in lockstep:
 * {@code members × E} environments stepped together, member {@code m}'s observations rows
 * {@code [m·E, (m + 1)·E)}, each step one {@link PopulationEvaluator#forwardLockstep} call (per
 * layer, the base products of all members one GEMM, each member adding its own correction). Episode
 * {@code e} of every member starts from {@code (seed, e)}, as {@link Rollouts} starts it. A discrete
 * policy acts by the argmax of its outputs, a continuous one by their {@code tanh}.
 */
public final class LockstepRollouts {

    private final IntFunction<VectorEnvironment> environments;
    private final boolean discrete;
    private final PopulationEvaluator evaluator = new PopulationEvaluator();

    public LockstepRollouts(IntFunction<VectorEnvironment> environments, boolean discrete) {
        this.environments = environments;
        this.discrete = discrete;
    }

    /** Each member's mean return over {@code episodes} episodes from {@code seed}. */
    public double[] meanReturns(Module policy, Population population, int episodes, long seed) {
        int members = population.members();
        int n = members * episodes;
        VectorEnvironment env = environments.apply(n);
        int obsSize = env.observationSize();
        int actionSize = env.actionSize();
        float[] obs = new float[n * obsSize];
        env.reset(seed, episodes, obs);
        int width = outputWidth(policy, obsSize);
        if (!discrete && width != actionSize) {
            throw new IllegalArgumentException("a continuous policy needs " + actionSize + " outputs, got " + width);
        }
        float[] outputs = new float[n * width];
        float[] actions = new float[n * actionSize];
        float[] rewards = new float[n];
        boolean[] done = new boolean[n];
        double[] totals = new double[members];
        Tensor input = Tensor.wrap(obs, n, obsSize);
        while (!env.allDone()) {
            evaluator.forwardLockstep(policy, population, input, outputs);
            for (int r = 0; r < n; r++) {
                if (discrete) {
                    int best = 0;
                    for (int j = 1; j < width; j++) {
                        if (outputs[r * width + j] > outputs[r * width + best]) {
                            best = j;
                        }
                    }
                    actions[r] = best;
                } else {
                    for (int j = 0; j < width; j++) {
                        actions[r * width + j] = (float) Math.tanh(outputs[r * width + j]);
                    }
                }
            }
            env.step(actions, obs, rewards, done);
            for (int r = 0; r < n; r++) {
                totals[r / episodes] += rewards[r];
            }
        }
        for (int m = 0; m < members; m++) {
            totals[m] /= episodes;
        }
        return totals;
    }

    private static int outputWidth(Module policy, int inputs) {
        try (var scope = Tape.noGrad()) {
            return policy.forward(Tensor.zeros(1, inputs)).dim(1);
        }
    }
}

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
 * block of members and layer, their base products one GEMM, each member adding its own correction),
 * each block's members then acting and stepping their environments on the thread that computed them.
 * Episode {@code e} of every member starts from {@code (seed, e)}, as {@link Rollouts} starts it. A
 * discrete policy acts by the argmax of its outputs, a continuous one by their {@code tanh}. Members
 * whose episodes have all ended drop out of the steps, and the evaluator keeps the population's noise
 * for the whole rollout.
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
        float[] actions = new float[n * actionSize];
        float[] rewards = new float[n];
        boolean[] done = new boolean[n];
        double[] totals = new double[members];
        // The members still playing: a member drops out of the steps once all its episodes have ended
        // (each member's outputs depend only on its own direction and rows).
        int[] live = new int[members];
        int count = members;
        for (int m = 0; m < members; m++) {
            live[m] = m;
        }
        Tensor input = Tensor.wrap(obs, n, obsSize);
        float[] outputs = new float[n * width];
        // Each block of members acts, steps its environments and adds its rewards on the thread that
        // computed its outputs: one parallel section a step. Only the members stepped earn anything.
        PopulationEvaluator.BlockDone step = (list, from, to) -> {
            for (int i = from; i < to; i++) {
                int m = list[i];
                int first = m * episodes;
                int end = first + episodes;
                for (int r = first; r < end; r++) {
                    act(outputs, r * width, width, actions, r * actionSize);
                }
                env.step(first, end, actions, obs, rewards, done);
                double sum = totals[m];
                for (int r = first; r < end; r++) {
                    sum += rewards[r];
                }
                totals[m] = sum;
            }
        };
        while (true) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                if (playing(done, live[i] * episodes, episodes)) {
                    live[kept++] = live[i];
                }
            }
            count = kept;
            if (count == 0) {
                break;
            }
            evaluator.forwardLockstep(policy, population, live, count, input, outputs, step);
        }
        for (int m = 0; m < members; m++) {
            totals[m] /= episodes;
        }
        return totals;
    }

    /** Whether any of the {@code count} environments from {@code from} is still playing. */
    private static boolean playing(boolean[] done, int from, int count) {
        for (int r = from; r < from + count; r++) {
            if (!done[r]) {
                return true;
            }
        }
        return false;
    }

    /** The action of one row of outputs: the argmax (discrete) or the tanh of each output. */
    private void act(float[] outputs, int at, int width, float[] actions, int actionAt) {
        if (discrete) {
            int best = 0;
            for (int j = 1; j < width; j++) {
                if (outputs[at + j] > outputs[at + best]) {
                    best = j;
                }
            }
            actions[actionAt] = best;
        } else {
            for (int j = 0; j < width; j++) {
                actions[actionAt + j] = (float) Math.tanh(outputs[at + j]);
            }
        }
    }

    private static int outputWidth(Module policy, int inputs) {
        try (var scope = Tape.noGrad()) {
            return policy.forward(Tensor.zeros(1, inputs)).dim(1);
        }
    }
}

package dev.gradlab.optim.env;

import dev.gradlab.simd.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bookkeeping of a {@link VectorEnvironment} whose environments are a state vector of doubles
 * each, advanced by explicit equations: subclasses give the initial state, one step and the
 * observation.
 */
abstract class PhysicsEnvironment implements VectorEnvironment {

    /** The fewest environments worth a task of their own in a step. */
    private static final int PARALLEL_SLICE = 256;

    private final int environments;
    private final int stateSize;
    private final int maxSteps;
    final double[] state;
    private final int[] steps;
    private final boolean[] done;

    PhysicsEnvironment(int environments, int stateSize, int maxSteps) {
        if (environments < 1) {
            throw new dev.gradlab.core.InvalidSettingException("environments", "must be >= 1, got " + environments);
        }
        if (maxSteps < 1) {
            throw new dev.gradlab.core.InvalidSettingException("maxSteps", "must be >= 1, got " + maxSteps);
        }
        this.environments = environments;
        this.stateSize = stateSize;
        this.maxSteps = maxSteps;
        this.state = new double[environments * stateSize];
        this.steps = new int[environments];
        this.done = new boolean[environments];
        Arrays.fill(done, true);
    }

    /** Draws environment's initial state into {@code s[at .. at + stateSize)}. */
    abstract void initial(SplittableRandom random, double[] s, int at);

    /** Advances one environment by one step; returns the step's reward; true terminated goes in the flag. */
    abstract double advance(double[] s, int at, float[] actions, int actionAt);

    /** Whether the state is a failure that ends the episode. */
    abstract boolean terminated(double[] s, int at);

    abstract void observe(double[] s, int at, float[] observations, int observationAt);

    @Override
    public int environments() {
        return environments;
    }

    @Override
    public int maxSteps() {
        return maxSteps;
    }

    @Override
    public void reset(long seed, int period, float[] observations) {
        checkLength("observations", observations, observationSize());
        if (period < 1) {
            throw new IllegalArgumentException("period must be >= 1, got " + period);
        }
        for (int p = 0; p < environments; p++) {
            // SplittableRandom mixes its seed, so consecutive seeds give independent streams.
            initial(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p % period), state, p * stateSize);
            observe(state, p * stateSize, observations, p * observationSize());
        }
        Arrays.fill(steps, 0);
        Arrays.fill(done, false);
    }

    @Override
    public void step(float[] actions, float[] observations, float[] rewards, boolean[] doneOut) {
        checkArrays(actions, observations, rewards, doneOut);
        // Environments are independent: many are stepped in slices on the pool, each the same on any thread.
        int tasks = Math.min(Parallel.threads(), environments / PARALLEL_SLICE);
        if (tasks > 1) {
            Parallel.forEach(
                    tasks,
                    t -> advanceRange(
                            (int) ((long) environments * t / tasks),
                            (int) ((long) environments * (t + 1) / tasks),
                            actions,
                            observations,
                            rewards,
                            doneOut));
        } else {
            advanceRange(0, environments, actions, observations, rewards, doneOut);
        }
    }

    @Override
    public void step(int from, int to, float[] actions, float[] observations, float[] rewards, boolean[] doneOut) {
        if (from < 0 || from > to || to > environments) {
            throw new IllegalArgumentException(
                    "from and to must satisfy 0 <= from <= to <= " + environments + ", got " + from + " and " + to);
        }
        checkArrays(actions, observations, rewards, doneOut);
        advanceRange(from, to, actions, observations, rewards, doneOut);
    }

    private void checkArrays(float[] actions, float[] observations, float[] rewards, boolean[] doneOut) {
        checkLength("actions", actions, actionSize());
        checkLength("observations", observations, observationSize());
        checkLength("rewards", rewards, 1);
        if (doneOut.length != environments) {
            throw new IllegalArgumentException("done must have " + environments + " entries, got " + doneOut.length);
        }
    }

    private void advanceRange(
            int from, int to, float[] actions, float[] observations, float[] rewards, boolean[] doneOut) {
        for (int p = from; p < to; p++) {
            if (done[p]) {
                rewards[p] = 0;
            } else {
                int at = p * stateSize;
                rewards[p] = (float) advance(state, at, actions, p * actionSize());
                steps[p]++;
                done[p] = terminated(state, at) || steps[p] >= maxSteps;
                observe(state, at, observations, p * observationSize());
            }
            doneOut[p] = done[p];
        }
    }

    @Override
    public boolean allDone() {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    /** Puts environment {@code p} in {@code s} with a fresh step count: for tests against the equations. */
    void setState(int p, double... s) {
        System.arraycopy(s, 0, state, p * stateSize, stateSize);
        steps[p] = 0;
        done[p] = false;
    }

    double[] state(int p) {
        return Arrays.copyOfRange(state, p * stateSize, (p + 1) * stateSize);
    }

    private void checkLength(String name, float[] a, int perEnvironment) {
        if (a.length != environments * perEnvironment) {
            throw new IllegalArgumentException(name + " must have " + environments + " × " + perEnvironment + " = "
                    + environments * perEnvironment + " entries, got " + a.length);
        }
    }
}

package dev.gradlab.optim.env;

/**
 * {@code P} copies of an environment stepped together, as a population's episodes run in lockstep:
 * environment {@code p}'s observation is row {@code p} of a {@code P × observationSize()} array, its
 * action row {@code p} of a {@code P × actionSize()} array. An episode ends when the task fails
 * (terminated) or after {@link #maxSteps()} steps (truncated); both set its done flag, which stays
 * set until the next {@link #reset}: a done environment is not stepped, earns 0 and keeps its last
 * observation.
 */
public interface VectorEnvironment {

    /** {@code P}, the environments stepped together. */
    int environments();

    int observationSize();

    int actionSize();

    /** The step after which an episode is truncated. */
    int maxSteps();

    /**
     * Starts a fresh episode in every environment, environment {@code p}'s initial state drawn from
     * {@code (seed, p)} alone, and writes the observations.
     */
    default void reset(long seed, float[] observations) {
        reset(seed, environments(), observations);
    }

    /**
     * Starts a fresh episode in every environment, environment {@code p} from {@code (seed, p mod
     * period)}: groups of {@code period} environments start alike (every member of a population on
     * the same episodes).
     */
    void reset(long seed, int period, float[] observations);

    /**
     * Steps every environment that is not done with its action; writes the observations, each
     * step's reward (0 for an environment already done) and the done flags.
     */
    void step(float[] actions, float[] observations, float[] rewards, boolean[] done);

    /**
     * As {@link #step(float[], float[], float[], boolean[])} for environments {@code [from, to)}
     * only, the arrays laid out for all of them: only those environments' rows are read and written.
     * Disjoint ranges may be stepped at the same time from different threads (a lockstep rollout
     * steps each block of members' environments on the thread that computed their actions).
     */
    void step(int from, int to, float[] actions, float[] observations, float[] rewards, boolean[] done);

    /** Whether every environment's episode has ended. */
    boolean allDone();
}

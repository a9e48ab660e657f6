package dev.gradlab.optim.search;

import dev.gradlab.core.population.Population;
import dev.gradlab.simd.Simd;

/**
 * Ask/tell search over a flat parameter vector, minimising a fitness the caller computes:
 *
 * <pre>{@code
 * Generation g = strategy.ask();
 * strategy.tell(g, g.evaluate(fitness));   // or compute fitness[m] of g.member(m, x) yourself
 * }</pre>
 *
 * A generation is seeds: member {@code m} is regenerated from direction {@code d}'s standard normal
 * stream {@code (seed, Population.stream(generation, d))} of the simd counter-based generator, the
 * noise ES uses. NaN or infinite fitness is ranked worst (after every finite value), counted in
 * {@link #nonFiniteEvaluations()}, and a generation whose members are all non-finite is a
 * {@link NonFiniteFitnessException}. {@link #state()} and {@link #restore} continue a search bit for bit.
 */
public abstract class SearchStrategy {

    private final int dimension;
    private long seed;
    private long generation;
    private long evaluations;
    private long nonFinite;
    private double bestFitness = Double.POSITIVE_INFINITY;
    private final float[] best;
    private Generation current;

    protected SearchStrategy(int dimension, long seed) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.seed = seed;
        this.best = new float[dimension];
    }

    /** The strategy's name as {@link SearchState#strategy()} records it. */
    public abstract String name();

    /** Members in the next generation. */
    public abstract int populationSize();

    /** Writes member {@code m} of the current generation into {@code x}; called from several threads. */
    abstract void sample(int m, float[] x);

    /** Updates the distribution from the current generation's fitness, non-finite values included. */
    abstract void update(double[] fitness);

    abstract void save(StateBuffer out);

    abstract void load(StateBuffer in);

    /** The current estimate of the optimum: the distribution's center (mean). */
    public abstract float[] center();

    public final int dimension() {
        return dimension;
    }

    /** The next generation; asking again before {@link #tell} returns the same one. */
    public final Generation ask() {
        if (current == null) {
            current = new Generation(this, generation, populationSize());
        }
        return current;
    }

    /** Takes one fitness per member of {@code g} (lower is better) and moves to the next generation. */
    public final void tell(Generation g, double[] fitness) {
        checkCurrent(g);
        if (fitness.length != g.size()) {
            throw new IllegalArgumentException(
                    "fitness must have one value per member (" + g.size() + "), got " + fitness.length);
        }
        int failed = 0;
        int bestMember = -1;
        for (int m = 0; m < fitness.length; m++) {
            if (!Double.isFinite(fitness[m])) {
                failed++;
            } else if (fitness[m] < bestFitness && (bestMember < 0 || fitness[m] < fitness[bestMember])) {
                bestMember = m;
            }
        }
        if (failed == fitness.length) {
            throw new NonFiniteFitnessException(generation, failed);
        }
        if (bestMember >= 0) {
            bestFitness = fitness[bestMember];
            sample(bestMember, best);
        }
        update(fitness);
        nonFinite += failed;
        evaluations += fitness.length;
        generation++;
        current = null;
    }

    /**
     * Asks and tells until the next generation would exceed {@code budget} evaluations in all;
     * returns the evaluations used. A budget below one generation's population is refused.
     */
    public final long minimize(FlatFitness fitness, long budget) {
        if (budget < evaluations + populationSize()) {
            throw new dev.gradlab.core.InvalidSettingException(
                    "budget",
                    "must leave room for one generation of " + populationSize() + " members after the " + evaluations
                            + " evaluations done, got " + budget);
        }
        while (evaluations + populationSize() <= budget) {
            Generation g = ask();
            tell(g, g.evaluate(fitness));
        }
        return evaluations;
    }

    void checkCurrent(Generation g) {
        if (g != current) {
            throw new IllegalStateException("generation " + (g.index() + 1) + " is not the current one ("
                    + (generation + 1) + "): ask again after tell");
        }
    }

    /** Direction {@code d}'s standard normal noise of the current generation. */
    final void noise(int direction, float[] z) {
        Simd.kernels().gaussian(seed, Population.stream(generation, direction), 0, z, 0, z.length);
    }

    /** The seed of the members' noise: direction {@code d} of generation {@code g} is its stream {@code Population.stream(g, d)}. */
    public final long seed() {
        return seed;
    }

    /** Generations told so far. */
    public final long generation() {
        return generation;
    }

    /** Fitness values told so far. */
    public final long evaluations() {
        return evaluations;
    }

    /** NaN or infinite fitness values told so far. */
    public final long nonFiniteEvaluations() {
        return nonFinite;
    }

    /** The lowest finite fitness told so far ({@code +∞} before any). */
    public final double bestFitness() {
        return bestFitness;
    }

    /** The member that had {@link #bestFitness()}. */
    public final float[] best() {
        return best.clone();
    }

    /** The whole state, for {@link #restore}. */
    public final SearchState state() {
        StateBuffer out = new StateBuffer();
        out.put(seed, generation, evaluations, nonFinite);
        out.put(bestFitness);
        out.put(best);
        save(out);
        return out.build(name(), dimension);
    }

    /** Continues from {@code state}, saved by a strategy of the same kind, dimension and settings. */
    public final void restore(SearchState state) {
        if (!state.strategy().equals(name()) || state.dimension() != dimension) {
            throw new IllegalArgumentException("state is of " + state.strategy() + " in dimension " + state.dimension()
                    + ", this strategy is " + name() + " in dimension " + dimension);
        }
        SearchState shape = state();
        if (shape.longs().length != state.longs().length
                || shape.floats().length != state.floats().length
                || shape.doubles().length != state.doubles().length) {
            throw new IllegalArgumentException("state of " + state.strategy() + " has " + state.longs().length
                    + " longs, " + state.floats().length + " floats and " + state.doubles().length
                    + " doubles, this strategy's settings use " + shape.longs().length + ", "
                    + shape.floats().length + " and " + shape.doubles().length
                    + ": it was saved with other settings (population size or optimizer)");
        }
        StateBuffer in = new StateBuffer(state);
        seed = in.getLong();
        generation = in.getLong();
        evaluations = in.getLong();
        nonFinite = in.getLong();
        bestFitness = in.getDouble();
        in.get(best);
        load(in);
        in.finish();
        current = null;
    }

    /**
     * {@code sum1[i] = Σ_d w1[d]·z_d[i]} and, when {@code w2} is not null, {@code sum2[i] = Σ_d
     * w2[d]·(z_d[i]² − 1)} over the current generation's directions: the weighted noise sums every
     * diagonal strategy's update needs. Coordinates are split into fixed chunks, each regenerating its
     * slice of every direction, so the sums are the same on any thread count.
     */
    final void noiseSums(int directions, double[] w1, double[] w2, float[] sum1, float[] sum2) {
        int chunk = 8192;
        int tasks = (dimension + chunk - 1) / chunk;
        dev.gradlab.simd.Parallel.forEach(tasks, t -> {
            int from = t * chunk;
            int len = Math.min(chunk, dimension - from);
            float[] z = new float[len];
            double[] a1 = new double[len];
            double[] a2 = w2 == null ? null : new double[len];
            for (int d = 0; d < directions; d++) {
                Simd.kernels().gaussian(seed, Population.stream(generation, d), from, z, 0, len);
                for (int i = 0; i < len; i++) {
                    a1[i] += w1[d] * z[i];
                }
                if (a2 != null) {
                    for (int i = 0; i < len; i++) {
                        a2[i] += w2[d] * ((double) z[i] * z[i] - 1);
                    }
                }
            }
            for (int i = 0; i < len; i++) {
                sum1[from + i] = (float) a1[i];
                if (a2 != null) {
                    sum2[from + i] = (float) a2[i];
                }
            }
        });
    }

    static float positive(String setting, float value) {
        if (!(value > 0) || !Float.isFinite(value)) {
            throw new dev.gradlab.core.InvalidSettingException(setting, "must be finite and > 0, got " + value);
        }
        return value;
    }
}

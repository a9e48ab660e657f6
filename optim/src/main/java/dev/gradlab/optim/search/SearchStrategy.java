package dev.gradlab.optim.search;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.population.Perturbation;
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

    private final String name;
    private final int dimension;
    /** The distribution's center (mean) for the strategies that keep it in float. */
    final float[] center;

    private long seed;
    private long generation;
    private long evaluations;
    private long nonFinite;
    private double bestFitness = Double.POSITIVE_INFINITY;
    private final float[] best;
    private Generation current;

    SearchStrategy(Builder<?> b, String name) {
        if (b.center.length < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + b.center.length);
        }
        this.name = name;
        this.dimension = b.center.length;
        this.center = b.center.clone();
        this.seed = b.seed;
        this.best = new float[dimension];
    }

    /**
     * The settings every strategy has: the start (the center, or CMA-ES's initial mean), σ, the
     * population (0: the strategy's default) and the seed of its noise.
     */
    public abstract static class Builder<B extends Builder<B>> {
        final float[] center;
        float sigma;
        int population;
        long seed;

        Builder(float[] center, float sigma, int population) {
            this.center = center.clone();
            this.sigma = sigma;
            this.population = population;
        }

        /** The initial standard deviation of the search distribution (CMA-ES's step size σ₀). */
        public B sigma(float sigma) {
            this.sigma = sigma;
            return self();
        }

        /** Members per generation; 0 means the strategy's default. */
        public B population(int population) {
            this.population = population;
            return self();
        }

        public B seed(long seed) {
            this.seed = seed;
            return self();
        }

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }

        public abstract SearchStrategy build();
    }

    /** The strategy's name as {@link SearchState#strategy()} records it. */
    public final String name() {
        return name;
    }

    /** Members in the next generation. */
    public abstract int populationSize();

    /** Writes member {@code m} of the current generation into {@code x}; called from several threads. */
    abstract void sample(int m, float[] x);

    /** Updates the distribution from the current generation's fitness, non-finite values included. */
    abstract void update(double[] fitness);

    /** Writes the distribution's state into {@code s}, or reads it back: the same calls either way. */
    abstract void distribution(StateBuffer s);

    /** The current estimate of the optimum: the distribution's center (mean). */
    public float[] center() {
        return center.clone();
    }

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
            throw new InvalidSettingException(
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
        StateBuffer out = new StateBuffer(null);
        state(out);
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
        state(new StateBuffer(state));
        current = null;
    }

    /** The counters and the best member, then the strategy's own state. */
    private void state(StateBuffer s) {
        seed = s.value(seed);
        generation = s.value(generation);
        evaluations = s.value(evaluations);
        nonFinite = s.value(nonFinite);
        bestFitness = s.value(bestFitness);
        s.values(best);
        distribution(s);
    }

    /** The current generation's directions as a {@link Population} of full-rank noise over the flat vector. */
    final Population population(int directions, float sigma, boolean antithetic) {
        return Population.es(Perturbation.fullRank(), sigma, antithetic, seed, generation, directions);
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
            throw new InvalidSettingException(setting, "must be finite and > 0, got " + value);
        }
        return value;
    }

    /** {@code n} copies of σ, after checking it: the per-parameter σ of the diagonal strategies. */
    static float[] sigmas(int n, float sigma) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, positive("sigma", sigma));
        return out;
    }

    /** The population, or its default when the builder's is 0, checked to be at least 2 (and even for pairs). */
    static int population(int population, int byDefault, boolean pairs) {
        int p = population > 0 ? population : byDefault;
        if (p < 2 || (pairs && p % 2 != 0)) {
            throw new InvalidSettingException(
                    "population",
                    "must be " + (pairs ? "even and " : "") + ">= 2" + (pairs ? " (pairs)" : "") + ", got " + p);
        }
        return p;
    }
}

package dev.gradlab.optim.search;

import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * The simple genetic algorithm of Such et al. 2017 ("Deep Neuroevolution") over a flat vector, the
 * search strategy form of {@code GeneticSearch}, with its selection and its seeds
 * ({@link GeneticSelection}): the state is the current {@code T} parents, fittest first, the first
 * {@code E} of them the elites. A generation is the elites unchanged, then {@code P − E} children,
 * child {@code c} the parent {@code parentIndex(s_c, T)} mutated once, {@code x + σ·ε(s_c)}, where
 * {@code s_c = mutationSeed(seed, generation, c)} and {@code ε(s)} is stream 0 of seed {@code s} of the
 * simd Gaussian generator (the noise of a {@code Genome}'s full-rank mutation). {@link #tell} keeps
 * the {@code T} fittest members as the next parents (ties to the lower index, so elites first; NaN and
 * infinite fitness worst). Generation 0 breeds from the start alone, so it has {@code 1 + P − E}
 * members. {@link #center()} is the fittest parent.
 *
 * <p>Unlike {@code GeneticSearch}, which keeps each parent as its chain of seeds, the parents are kept
 * as vectors ({@code T × D} floats, in the saved state too): cheap for policies and test functions,
 * and a member is then one Gaussian stream away from its parent rather than a replay of its chain.
 * Defaults (Such et al.'s, scaled down to small populations): population 64, parents 10, elites 1,
 * σ 0.05.
 */
public final class Ga extends SearchStrategy {

    private final int population;
    private final int parentCount;
    private final int elites;
    private final float sigma;
    /** The parents' vectors, fittest first, row {@code k} at {@code k·D}; rows from {@code count} on are unused. */
    private float[] parents;

    private int count;

    private Ga(Builder b) {
        super(b, "ga");
        this.population = population(b.population, 64, false);
        GeneticSelection.check(population, b.parents, b.elites);
        this.parentCount = b.parents;
        this.elites = b.elites;
        this.sigma = positive("sigma", b.sigma);
        this.parents = new float[parentCount * center.length];
        System.arraycopy(center, 0, parents, 0, center.length);
        this.count = 1;
    }

    public static Builder builder(float[] start) {
        return new Builder(start);
    }

    /** {@code E}, or fewer while there are fewer parents. */
    private int currentElites() {
        return Math.min(elites, count);
    }

    @Override
    public int populationSize() {
        return currentElites() + population - elites;
    }

    /** The fittest parent: the best member of the last generation (the start before any). */
    @Override
    public float[] center() {
        return Arrays.copyOf(parents, dimension());
    }

    @Override
    void sample(int m, float[] x) {
        int d = dimension();
        int e = currentElites();
        if (m < e) {
            System.arraycopy(parents, m * d, x, 0, d);
            return;
        }
        long s = GeneticSelection.mutationSeed(seed(), generation(), m - e);
        int from = GeneticSelection.parentIndex(s, count) * d;
        Simd.kernels().gaussian(s, 0, 0, x, 0, d);
        for (int i = 0; i < d; i++) {
            x[i] = parents[from + i] + sigma * x[i];
        }
    }

    @Override
    void update(double[] fitness) {
        int d = dimension();
        int[] selected = GeneticSelection.fittest(fitness, fitness.length, Math.min(parentCount, fitness.length));
        float[] next = new float[parents.length];
        float[] x = new float[d];
        for (int k = 0; k < selected.length; k++) {
            sample(selected[k], x);
            System.arraycopy(x, 0, next, k * d, d);
        }
        parents = next;
        count = selected.length;
    }

    @Override
    void distribution(StateBuffer s) {
        count = (int) s.value(count);
        s.values(parents);
    }

    /** Settings of {@link Ga}; {@code population} 0 means the default. */
    public static final class Builder extends SearchStrategy.Builder<Builder> {
        private int parents = 10;
        private int elites = 1;

        private Builder(float[] start) {
            super(start, 0.05f, 0);
        }

        /** Parents {@code T}: the fittest, which breed the next generation; default 10. */
        public Builder parents(int parents) {
            this.parents = parents;
            return this;
        }

        /** Elites {@code E}: the fittest, passed on unchanged; default 1. */
        public Builder elites(int elites) {
            this.elites = elites;
            return this;
        }

        @Override
        public Ga build() {
            return new Ga(this);
        }
    }
}

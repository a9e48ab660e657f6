package dev.gradlab.optim;

import dev.gradlab.optim.search.GeneticSelection;
import dev.gradlab.optim.search.NonFiniteFitnessException;
import java.util.List;

/**
 * The simple genetic algorithm of Such et al. 2017 on ask/tell: its state is the current parents,
 * each a {@link Genome} (a chain of seeds, never weights), fittest first, the first {@code E} of them
 * the elites. {@link #ask()} hands out the next generation: the elites unchanged, then {@code P − E}
 * children, child {@code c} a parent chosen uniformly and mutated once, its parent and its mutation
 * seed functions of {@code (seed, generation, c)} alone. {@link #tell} takes one fitness per member
 * (lower is better) and keeps the {@code T} fittest as the next parents (truncation selection, ties
 * to the lower index, so elites first). A NaN or infinite fitness ranks after every finite one and is
 * counted; a generation whose members all fail is a {@link NonFiniteFitnessException}.
 * {@link GeneticAlgorithm} trains a network with it; the selection and the seeds are
 * {@link GeneticSelection}'s, which {@code search.Ga} shares over flat vectors.
 */
public final class GeneticSearch {

    private final int population;
    private final int parents;
    private final int elites;
    private final long seed;
    private List<Genome> current;
    private long generation;
    private long nonFinite;
    private Members asked;

    /** Generation 0's only parent, and only elite, is {@code initial}. */
    public GeneticSearch(Genome initial, int population, int parents, int elites, long seed) {
        check(population, parents, elites);
        this.population = population;
        this.parents = parents;
        this.elites = elites;
        this.seed = seed;
        this.current = List.of(initial);
    }

    static void check(int population, int parents, int elites) {
        GeneticSelection.check(population, parents, elites);
    }

    /**
     * One generation, by seeds: member {@code m < elites()} is elite {@code m}, parent {@code m}
     * unchanged; member {@code elites() + c} is child {@code c},
     * {@code parents().get(parentOf(c)).mutate(seed(c))}.
     */
    public final class Members {
        private final long index;
        private final List<Genome> parents;
        private final int elites;
        private final int[] parentOf = new int[population - GeneticSearch.this.elites];
        private final long[] seeds = new long[parentOf.length];

        private Members(long index, List<Genome> parents) {
            this.index = index;
            this.parents = parents;
            this.elites = Math.min(GeneticSearch.this.elites, parents.size());
            for (int c = 0; c < seeds.length; c++) {
                seeds[c] = GeneticSelection.mutationSeed(seed, index, c);
                parentOf[c] = GeneticSelection.parentIndex(seeds[c], parents.size());
            }
        }

        /** The generation, from 0. */
        public long index() {
            return index;
        }

        public int size() {
            return elites + seeds.length;
        }

        /** {@code E}, or fewer while there are fewer parents. */
        public int elites() {
            return elites;
        }

        public int children() {
            return seeds.length;
        }

        /** The parents this generation breeds from, fittest first. */
        public List<Genome> parents() {
            return parents;
        }

        public int parentOf(int child) {
            return parentOf[child];
        }

        public long seed(int child) {
            return seeds[child];
        }

        public Genome genome(int m) {
            return m < elites
                    ? parents.get(m)
                    : parents.get(parentOf[m - elites]).mutate(seeds[m - elites]);
        }
    }

    /** The next generation; asking again before {@link #tell} returns the same one. */
    public Members ask() {
        if (asked == null) {
            asked = new Members(generation, current);
        }
        return asked;
    }

    /**
     * Takes one fitness per member of {@code g} (lower is better), selects the next parents and moves
     * to the next generation; returns the indices of the selected members, fittest first.
     */
    public int[] tell(Members g, float[] fitness) {
        if (g != asked) {
            throw new IllegalStateException("generation " + (g.index + 1) + " is not the current one ("
                    + (generation + 1) + "): ask again after tell");
        }
        if (fitness.length < g.size()) {
            throw new IllegalArgumentException(
                    "fitness must have one value per member (" + g.size() + "), got " + fitness.length);
        }
        int failed = 0;
        for (int m = 0; m < g.size(); m++) {
            failed += Float.isFinite(fitness[m]) ? 0 : 1;
        }
        if (failed == g.size()) {
            throw new NonFiniteFitnessException(generation, failed);
        }
        nonFinite += failed;
        double[] widened = new double[g.size()];
        for (int m = 0; m < widened.length; m++) {
            widened[m] = fitness[m];
        }
        int[] selected = GeneticSelection.fittest(widened, g.size(), Math.min(parents, g.size()));
        Genome[] next = new Genome[selected.length];
        for (int k = 0; k < selected.length; k++) {
            next[k] = g.genome(selected[k]);
        }
        current = List.of(next);
        generation++;
        asked = null;
        return selected;
    }

    /** The parents, fittest first: the last generation's selection. */
    public List<Genome> parents() {
        return current;
    }

    /** Generations told so far. */
    public long generation() {
        return generation;
    }

    /** NaN or infinite fitness values told so far. */
    public long nonFiniteEvaluations() {
        return nonFinite;
    }
}

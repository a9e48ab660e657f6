package dev.gradlab.optim.search;

import dev.gradlab.core.InvalidSettingException;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The selection and breeding of the simple genetic algorithm of Such et al. 2017, in one place for
 * its two forms, {@code GeneticSearch} (genomes, chains of seeds) and {@link Ga} (flat vectors):
 * the {@code T} fittest members become the parents (truncation selection), and child {@code c} of
 * generation {@code g} has the mutation seed {@code mutationSeed(seed, g, c)} and the parent
 * {@code parentIndex(thatSeed, T)}, functions of {@code (seed, g, c)} alone.
 */
public final class GeneticSelection {

    private GeneticSelection() {}

    /** Refuses elites {@code E}, parents {@code T} and population {@code P} unless {@code 1 <= E <= T <= P} and {@code E < P}. */
    public static void check(int population, int parents, int elites) {
        if (!(1 <= elites && elites <= parents && parents <= population && elites < population)) {
            throw new InvalidSettingException(
                    "parents",
                    "must satisfy 1 <= E <= T <= P and E < P for elites E, parents T and population P, got E = "
                            + elites + ", T = " + parents + ", P = " + population);
        }
    }

    /**
     * The indices of the {@code count} smallest of {@code fitness[0 .. size)}, smallest first; every
     * NaN or infinite value counts as {@code +∞}, and ties go to the lower index ({@code −0.0} before
     * {@code 0.0}, as {@link Double#compare} orders them).
     */
    public static int[] fittest(double[] fitness, int size, int count) {
        double[] key = new double[size];
        for (int i = 0; i < size; i++) {
            key[i] = Double.isFinite(fitness[i]) ? fitness[i] : Double.POSITIVE_INFINITY;
        }
        return IntStream.range(0, size)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> key[i]).thenComparingInt(i -> i))
                .limit(count)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** Child {@code child}'s mutation seed in generation {@code generation}. */
    public static long mutationSeed(long seed, long generation, int child) {
        return mix(mix(mix(seed) + generation) + child);
    }

    /** The parent, among {@code parents}, of the child with mutation seed {@code mutationSeed}. */
    public static int parentIndex(long mutationSeed, int parents) {
        return (int) ((mix(mutationSeed ^ 0x5851F42D4C957F2DL) >>> 1) % parents);
    }

    /** SplitMix64's finalizer: consecutive inputs give unrelated outputs. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

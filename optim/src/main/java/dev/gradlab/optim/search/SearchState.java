package dev.gradlab.optim.search;

/**
 * Everything a {@link SearchStrategy} needs to continue exactly where it stopped: counters and
 * seeds in {@code longs}, the distribution (center, σ, optimizer moments, covariance) in
 * {@code floats} and {@code doubles}. A strategy built with the same settings and given this state
 * by {@link SearchStrategy#restore} asks for the same members and updates to the same bits.
 */
public record SearchState(String strategy, int dimension, long[] longs, float[] floats, double[] doubles) {

    public SearchState {
        longs = longs.clone();
        floats = floats.clone();
        doubles = doubles.clone();
    }

    @Override
    public long[] longs() {
        return longs.clone();
    }

    @Override
    public float[] floats() {
        return floats.clone();
    }

    @Override
    public double[] doubles() {
        return doubles.clone();
    }

    /** Equal states hold the same values to the bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SearchState s
                && strategy.equals(s.strategy)
                && dimension == s.dimension
                && java.util.Arrays.equals(longs, s.longs)
                && java.util.Arrays.equals(floats, s.floats)
                && java.util.Arrays.equals(doubles, s.doubles);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                strategy,
                dimension,
                java.util.Arrays.hashCode(longs),
                java.util.Arrays.hashCode(floats),
                java.util.Arrays.hashCode(doubles));
    }

    @Override
    public String toString() {
        return "SearchState(" + strategy + ", dimension " + dimension + ", " + longs.length + " longs, " + floats.length
                + " floats, " + doubles.length + " doubles)";
    }
}

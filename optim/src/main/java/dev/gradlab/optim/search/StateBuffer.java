package dev.gradlab.optim.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a strategy's state into a {@link SearchState}, or reads it back, through the same calls in
 * the same order, so that what is saved and what is restored cannot drift apart. The caller has
 * checked that a state it reads has the lengths this strategy writes.
 */
final class StateBuffer {

    private final SearchState source;
    private final List<long[]> longs = new ArrayList<>();
    private final List<float[]> floats = new ArrayList<>();
    private final List<double[]> doubles = new ArrayList<>();
    private int longAt;
    private int floatAt;
    private int doubleAt;

    /** Reads {@code source}, or writes a new state when it is null. */
    StateBuffer(SearchState source) {
        this.source = source;
    }

    /** Writes {@code v} and returns it, or returns the next long read. */
    long value(long v) {
        if (source == null) {
            longs.add(new long[] {v});
            return v;
        }
        return source.longs()[longAt++];
    }

    double value(double v) {
        if (source == null) {
            doubles.add(new double[] {v});
            return v;
        }
        return source.doubles()[doubleAt++];
    }

    /** Writes {@code a}, or fills it with the next {@code a.length} floats read. */
    void values(float[] a) {
        if (source == null) {
            floats.add(a.clone());
        } else {
            System.arraycopy(source.floats(), floatAt, a, 0, a.length);
            floatAt += a.length;
        }
    }

    void values(double[] a) {
        if (source == null) {
            doubles.add(a.clone());
        } else {
            System.arraycopy(source.doubles(), doubleAt, a, 0, a.length);
            doubleAt += a.length;
        }
    }

    SearchState build(String strategy, int dimension) {
        float[] f = new float[floats.stream().mapToInt(a -> a.length).sum()];
        int off = 0;
        for (float[] a : floats) {
            System.arraycopy(a, 0, f, off, a.length);
            off += a.length;
        }
        return new SearchState(
                strategy,
                dimension,
                longs.stream().flatMapToLong(Arrays::stream).toArray(),
                f,
                doubles.stream().flatMapToDouble(Arrays::stream).toArray());
    }
}

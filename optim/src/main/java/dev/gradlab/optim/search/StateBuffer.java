package dev.gradlab.optim.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Writes a strategy's state into a {@link SearchState} and reads it back in the same order. */
final class StateBuffer {

    private final List<long[]> longs = new ArrayList<>();
    private final List<float[]> floats = new ArrayList<>();
    private final List<double[]> doubles = new ArrayList<>();
    private final SearchState source;
    private int longAt;
    private int floatAt;
    private int doubleAt;

    StateBuffer() {
        this.source = null;
    }

    StateBuffer(SearchState source) {
        this.source = source;
    }

    void put(long... v) {
        longs.add(v.clone());
    }

    void put(float[] v) {
        floats.add(v.clone());
    }

    void put(double... v) {
        doubles.add(v.clone());
    }

    SearchState build(String strategy, int dimension) {
        return new SearchState(strategy, dimension, concatLongs(), concatFloats(), concatDoubles());
    }

    long getLong() {
        long[] a = source.longs();
        check(longAt < a.length, "longs", a.length);
        return a[longAt++];
    }

    double getDouble() {
        double[] a = source.doubles();
        check(doubleAt < a.length, "doubles", a.length);
        return a[doubleAt++];
    }

    void get(float[] into) {
        float[] a = source.floats();
        check(floatAt + into.length <= a.length, "floats", a.length);
        System.arraycopy(a, floatAt, into, 0, into.length);
        floatAt += into.length;
    }

    void get(double[] into) {
        double[] a = source.doubles();
        check(doubleAt + into.length <= a.length, "doubles", a.length);
        System.arraycopy(a, doubleAt, into, 0, into.length);
        doubleAt += into.length;
    }

    /** Every value read: a state with more than the strategy reads was written with other settings. */
    void finish() {
        if (longAt != source.longs().length
                || floatAt != source.floats().length
                || doubleAt != source.doubles().length) {
            throw new IllegalArgumentException("state of " + source.strategy() + " has " + source.longs().length
                    + " longs, " + source.floats().length + " floats and " + source.doubles().length
                    + " doubles, this strategy's settings use " + longAt + ", " + floatAt + " and " + doubleAt
                    + ": it was saved with other settings (population size or optimizer)");
        }
    }

    private void check(boolean ok, String what, int length) {
        if (!ok) {
            throw new IllegalArgumentException("state of " + source.strategy() + " has only " + length + " " + what
                    + ", fewer than this strategy's settings need: it was saved with other settings");
        }
    }

    private long[] concatLongs() {
        return longs.stream().flatMapToLong(Arrays::stream).toArray();
    }

    private float[] concatFloats() {
        int n = floats.stream().mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int off = 0;
        for (float[] a : floats) {
            System.arraycopy(a, 0, out, off, a.length);
            off += a.length;
        }
        return out;
    }

    private double[] concatDoubles() {
        return doubles.stream().flatMapToDouble(Arrays::stream).toArray();
    }
}

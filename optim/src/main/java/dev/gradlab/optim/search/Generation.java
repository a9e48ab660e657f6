package dev.gradlab.optim.search;

import dev.gradlab.simd.Parallel;

/**
 * The population a {@link SearchStrategy} hands out: seeds, not vectors. Member {@code m}'s
 * parameters are regenerated on demand from the strategy's distribution and the counter-based noise
 * of this generation, on any thread, with the same bits.
 */
public final class Generation {

    private final SearchStrategy strategy;
    private final long index;
    private final int size;

    Generation(SearchStrategy strategy, long index, int size) {
        this.strategy = strategy;
        this.index = index;
        this.size = size;
    }

    /** The generation's number, counted from 0 over the whole search (restarts included). */
    public long index() {
        return index;
    }

    /** The number of members. */
    public int size() {
        return size;
    }

    /** Writes member {@code m}'s parameters into {@code x} (length: the strategy's dimension). */
    public void member(int m, float[] x) {
        if (m < 0 || m >= size) {
            throw new IndexOutOfBoundsException("member must be in [0, " + size + "), got " + m);
        }
        if (x.length != strategy.dimension()) {
            throw new IllegalArgumentException(
                    "x must have " + strategy.dimension() + " elements (the dimension), got " + x.length);
        }
        strategy.checkCurrent(this);
        strategy.sample(m, x);
    }

    /**
     * The fitness of every member, evaluated in parallel on {@link Parallel}'s threads, one buffer per
     * task; {@code fitness[m]} depends only on member {@code m}, so the result is the same on any
     * thread count.
     */
    public double[] evaluate(FlatFitness fitness) {
        double[] out = new double[size];
        int tasks = Math.min(size, Parallel.threads());
        Parallel.forEach(tasks, t -> {
            float[] x = new float[strategy.dimension()];
            for (int m = t; m < size; m += tasks) {
                member(m, x);
                out[m] = fitness.evaluate(x);
            }
        });
        return out;
    }
}

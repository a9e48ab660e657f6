package dev.gradlab.optim.search;

/** Every member of a generation had a NaN or infinite fitness: the search has nothing to rank. */
public final class NonFiniteFitnessException extends RuntimeException {

    private final long generation;

    public NonFiniteFitnessException(long generation, int members) {
        super("all " + members + " fitness values of generation " + (generation + 1)
                + " are NaN or infinite: the search has nothing to rank; lower sigma or the learning rate");
        this.generation = generation;
    }

    /** The generation, counted from 0. */
    public long generation() {
        return generation;
    }
}

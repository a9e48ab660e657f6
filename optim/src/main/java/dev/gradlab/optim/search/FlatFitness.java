package dev.gradlab.optim.search;

/**
 * A fitness to minimise, of a flat parameter vector: a loss, a negated return, a test function.
 * It may be called from several threads at once on different vectors, and must not keep {@code x}.
 */
@FunctionalInterface
public interface FlatFitness {

    double evaluate(float[] x);
}

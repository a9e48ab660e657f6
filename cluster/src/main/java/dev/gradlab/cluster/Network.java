package dev.gradlab.cluster;

import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Sequential;

/**
 * The network of a job, as every worker builds it: a {@link ModelSpec} (a {@code Sequential} of
 * built-in modules: an MLP, the reference convnet, any other), which travels as its JSON. A worker
 * sets its parameters each round, so the seed it is built with does not matter.
 */
record Network(ModelSpec spec, long parameters) {

    static Network of(ModelSpec spec) {
        return new Network(spec, spec.parameterCount());
    }

    static Network parse(String json) {
        return of(ModelSpec.parse(json));
    }

    Sequential build() {
        return spec.build(0);
    }

    /** Null when rows of {@code features} numbers fit the network (one zero row goes through it), or why not. */
    String misfit(int features) {
        try (var noGrad = Tape.noGrad()) {
            build().forward(Tensor.zeros(1, features));
            return null;
        } catch (RuntimeException e) {
            return "the network " + this + " does not take rows of " + features + " features: " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}

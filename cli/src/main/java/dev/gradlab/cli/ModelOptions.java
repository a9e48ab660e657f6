package dev.gradlab.cli;

import dev.gradlab.core.HeapBudget;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.Activation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options that choose the network and its initial weights (shared by train and gradients). */
final class ModelOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid",
            description = "Hidden-layer activation: sigmoid, relu, requ or tanh (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",", defaultValue = "512",
            description = "Hidden layer sizes, comma-separated for several layers, e.g. 256,128 (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--bias", description = "Give the linear layers biases (default: no biases, as the notebook).")
    boolean bias;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the initial weights, the shuffling and the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    void validate() {
        for (int size : hidden) {
            if (size < 1) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--hidden': every size must be >= 1, got " + size);
            }
        }
    }

    /**
     * The network for the data; fails at once, naming the sizes, if the heap cannot hold its weights,
     * their gradient and an optimizer's two state vectors (16 bytes a parameter).
     */
    Architecture architecture(int features, int classes) {
        Architecture a = Architecture.of(features, hidden, classes, activation, bias);
        HeapBudget.require(16 * a.parameterCount(), "the network " + a + " (" + a.parameterCount() + " parameters)");
        return a;
    }
}

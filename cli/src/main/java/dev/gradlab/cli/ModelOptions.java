package dev.gradlab.cli;

import dev.gradlab.core.io.HeapBudget;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import picocli.CommandLine.Option;

/** Options that choose the network (shared by train, gradients and graph). */
final class ModelOptions {

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid",
            description = "Hidden-layer activation: sigmoid, relu, requ or tanh (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",", defaultValue = "512",
            description = "Hidden layer sizes, comma-separated for several layers, e.g. 256,128 (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--bias", description = "Give the linear layers biases (default: no biases, as the reference experiment).")
    boolean bias;

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

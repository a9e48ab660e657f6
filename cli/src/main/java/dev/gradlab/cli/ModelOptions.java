package dev.gradlab.cli;

import dev.gradlab.core.io.HeapBudget;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options that choose the network (shared by train, compare, gradients and graph). */
final class ModelOptions {

    /** The command these options are mixed into, to see which of them the user gave. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--model",
            paramLabel = "mlp|cnn",
            defaultValue = "mlp",
            description = {
                "The network: mlp, the multi-layer perceptron that --hidden, --activation and --bias"
                        + " describe, or cnn, the reference convnet of pytorch_train.py --model cnn (conv 5x5 1->16,"
                        + " ReLU, max-pool 2, conv 5x5 16->32, ReLU, max-pool 2, linear 512->10; 18,378 parameters)"
                        + " for 28x28 images in 10 classes (default: ${DEFAULT-VALUE})."
            })
    String model;

    @Option(
            names = "--activation",
            paramLabel = "NAME",
            defaultValue = "sigmoid",
            description =
                    "Hidden-layer activation of the mlp: sigmoid, relu, requ or tanh (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(
            names = "--hidden",
            paramLabel = "SIZES",
            split = ",",
            defaultValue = "512",
            description = "Hidden layer sizes of the mlp, comma-separated for several layers, e.g. 256,128"
                    + " (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(
            names = "--bias",
            description = "Give the mlp's linear layers biases (default: no biases, as the reference experiment).")
    boolean bias;

    /** The network chosen, its spec (which builds it for a seed) and how a run names it. */
    record Network(ModelSpec spec, String name) {

        Sequential build(long seed) {
            return spec.build(seed);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The network for the data; fails at once, naming the sizes, if the heap cannot hold its weights,
     * their gradient and an optimizer's two state vectors (16 bytes a parameter).
     */
    Network network(int features, int classes) {
        return switch (model.strip().toLowerCase(Locale.ROOT)) {
            case "mlp" -> {
                Architecture a = architecture(features, classes);
                yield new Network(a.spec(), a.toString());
            }
            case "cnn" -> {
                for (String mlpOnly : new String[] {"--hidden", "--activation", "--bias"}) {
                    if (command != null
                            && command.commandLine().getParseResult().hasMatchedOption(mlpOnly)) {
                        throw Usage.error("option '" + mlpOnly + "' does not apply to --model cnn");
                    }
                }
                if (features != 28 * 28 || classes != 10) {
                    throw Usage.error("Invalid value for option '--model': cnn takes 28x28 images"
                            + " (784 features) in 10 classes, the data has " + features + " features and " + classes
                            + " classes");
                }
                yield new Network(ModelSpec.of(Convnets.reference(0)), "reference convnet");
            }
            default ->
                throw Usage.error(
                        "Invalid value for option '--model': expected one of mlp, cnn," + " got '" + model + "'");
        };
    }

    /** The mlp for the data; the commands that only take an mlp refuse --model cnn. */
    Architecture architecture(int features, int classes) {
        if (!model.strip().equalsIgnoreCase("mlp")) {
            throw Usage.error("Invalid value for option '--model': this command takes mlp only, got '" + model + "'");
        }
        Architecture a = Architecture.of(features, hidden, classes, activation, bias);
        HeapBudget.require(16 * a.parameterCount(), "the network " + a + " (" + a.parameterCount() + " parameters)");
        return a;
    }
}

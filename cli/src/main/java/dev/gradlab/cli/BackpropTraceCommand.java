package dev.gradlab.cli;

import dev.gradlab.core.BackpropTrace;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab backprop-trace}: one forward and backward pass of a 2-3-2 network with fixed
 * weights on one sample, every value and every chain-rule product written out, and each parameter
 * gradient beside its central difference; also written to {@code trace.txt}.
 */
@Command(
        name = "backprop-trace",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Backpropagation by hand, on a 2-3-2 network and one sample.",
            "Fixed weights, x = [1, 0.5], label 1. Prints every forward value, every local gradient as the chain-rule product it",
            "computes (in the tape's order), and the parameter gradients beside central differences."
        })
final class BackpropTraceCommand implements Callable<Integer> {

    /** The fixed weights: small, distinct and of both signs, so that every product can be told apart. */
    static final float[] W1 = {0.5f, -0.3f, 0.8f, 0.2f, -0.6f, 0.4f};

    static final float[] B1 = {0.1f, -0.2f, 0.05f};
    static final float[] W2 = {0.7f, -0.5f, 0.3f, -0.4f, 0.6f, 0.9f};
    static final float[] B2 = {0.0f, 0.1f};
    static final float[] X = {1.0f, 0.5f};
    static final int LABEL = 1;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--activation",
            paramLabel = "NAME",
            defaultValue = "sigmoid",
            description = "Hidden-layer activation: sigmoid, relu, requ or tanh (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Mixin
    OutputOption out;

    @Override
    public Integer call() throws IOException {
        Linear l1 = new Linear(2, 3, true, 0);
        Linear l2 = new Linear(3, 2, true, 0);
        System.arraycopy(W1, 0, l1.weight().data(), 0, W1.length);
        System.arraycopy(B1, 0, l1.bias().data(), 0, B1.length);
        System.arraycopy(W2, 0, l2.weight().data(), 0, W2.length);
        System.arraycopy(B2, 0, l2.bias().data(), 0, B2.length);
        BackpropTrace trace = BackpropTrace.of(new Sequential(l1, activation.create(), l2), X, LABEL);
        Path dir = out.create("backprop-trace");
        String header = Text.format(
                "gradlab backprop-trace: 2-3-2 %s with biases, x = [1, 0.5], label %d," + " cross-entropy%n%n",
                activation, LABEL);
        String text = header
                + trace
                + Text.format("%n%nlargest |backprop − central difference| = %.1e%n", trace.maxFiniteDifferenceError());
        Files.writeString(dir.resolve("trace.txt"), text);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(text);
        stdout.printf("wrote trace.txt in %s%n", dir);
        stdout.flush();
        return 0;
    }
}

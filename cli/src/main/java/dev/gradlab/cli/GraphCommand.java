package dev.gradlab.cli;

import dev.gradlab.core.Losses;
import dev.gradlab.core.TapeGraph;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
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
 * {@code gradlab graph}: records one forward and backward pass of the chosen network on the tape and
 * writes it as Graphviz DOT ({@code tape.dot}), and as {@code tape.svg} and {@code tape.png} when
 * Graphviz's {@code dot} is installed.
 */
@Command(
        name = "graph",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Draw the tape of one forward and backward pass of the chosen network.",
            "One node per op and per tensor, with shapes, formulas and the norm of the gradient along" + " each edge.",
            "Writes tape.dot, and tape.svg and tape.png when Graphviz's dot is installed."
        })
final class GraphCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "100",
            description = "Rows of the batch (the first N training images; default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        try (var threads = run.threads.open()) {
            return draw();
        }
    }

    private int draw() throws IOException {
        Dataset train = data.load().train();
        if (batch < 1 || batch > train.size()) {
            throw Usage.error("Invalid value for option '--batch': must be in [1, " + train.size() + "], got " + batch);
        }
        ModelOptions.Network net = model.network(train.features(), train.classes());
        Sequential network = net.build(run.seed);
        Dataset first = train.slice(0, batch);
        Tensor x = first.imagesTensor();
        int[] labels = first.labels();
        Path dir = run.out.create("graph");
        String dot;
        try (TapeGraph graph = TapeGraph.record()) {
            Tensor loss = Losses.crossEntropy(network.forward(x), labels);
            loss.backward();
            graph.name(loss, "loss");
            try {
                graph.name(x, "x (input)");
            } catch (IllegalArgumentException e) {
                // The convnet's first op takes a reshaped view of x (Unflatten): x itself is not on the tape.
            }
            // Parameters by their state_dict names (0.weight, 2.bias, ...), as PyTorch names them.
            network.stateDict().forEach((name, parameter) -> graph.name(parameter, name));
            dot = graph.toDot();
        }
        Path dotFile = dir.resolve("tape.dot");
        Files.writeString(dotFile, dot);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("gradlab graph: %s, batch %d, one forward and backward pass%n", net, batch);
        if (Graphviz.available()) {
            Graphviz.render(dotFile, "svg", dir.resolve("tape.svg"));
            Graphviz.render(dotFile, "png", dir.resolve("tape.png"));
            stdout.printf("wrote tape.dot, tape.svg and tape.png in %s%n", dir);
        } else {
            stdout.printf(
                    "wrote tape.dot in %s (install Graphviz's dot for tape.svg and tape.png:"
                            + " dot -Tpng tape.dot -o tape.png)%n",
                    dir);
        }
        stdout.flush();
        return 0;
    }
}

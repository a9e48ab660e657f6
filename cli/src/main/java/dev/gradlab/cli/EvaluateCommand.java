package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.SavedModel;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.DatasetException;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab evaluate}: reads a model file written by {@code train} ({@code model.safetensors}),
 * or rebuilds a network from a genetic algorithm's {@code genome.bin}, and reports its test accuracy.
 * A damaged file is a failure naming the file and the byte offset (exit 1), not a usage error.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Read a model file written by 'gradlab train' (model.safetensors; the network, an mlp or"
                    + " a convnet, is in its header), or rebuild one from the seeds of a genome.bin (--method ga), and print the test"
                    + " accuracy on the chosen data."
        })
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--weights", paramLabel = "FILE", description = "The model file (the model.safetensors of a run).")
    Path weights;

    @Option(
            names = "--genome",
            paramLabel = "FILE",
            description = "A genome.bin of 'gradlab train --method ga', instead of --weights.")
    Path genome;

    @Mixin
    DataOptions data;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        try (var scope = threads.open()) {
            return evaluate();
        }
    }

    private int evaluate() throws IOException {
        if ((weights == null) == (genome == null)) {
            throw Usage.error("give exactly one of --weights FILE and --genome FILE");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path file = genome != null ? genome : weights;
        Module network;
        if (genome != null) {
            Genome g = Genome.read(genome);
            long start = System.nanoTime();
            network = g.rebuild();
            out.print(Text.format(
                    "genome %s: %s, sigma %s, %s, initial seed %d, %d mutations; rebuilt in %.2f s%n",
                    genome,
                    g.spec(),
                    g.sigma(),
                    g.perturbation(),
                    g.initialSeed(),
                    g.mutations().length,
                    (System.nanoTime() - start) / 1e9));
        } else {
            SavedModel saved = ModelFile.load(weights);
            network = saved.model();
            out.printf("weights %s: %s%s%n", weights, saved.spec(), saved.info().isEmpty() ? "" : ", " + saved.info());
        }
        Dataset test = data.loadTest();
        requireFits(network, file, test);
        out.print(Text.format("test images %d (%s)%n", test.size(), data.data));
        out.print(Text.format("test accuracy %.2f%%%n", 100.0 * Metrics.accuracy(network, test)));
        out.flush();
        return 0;
    }

    /** One test image through the network: it must take the data's features and give its classes. */
    private static void requireFits(Module network, Path file, Dataset test) {
        int[] shape;
        try {
            shape = network.eval().forward(test.slice(0, 1).imagesTensor()).shape();
        } catch (IllegalArgumentException e) {
            throw new DatasetException("the network in " + file + " does not take the data's " + test.features()
                    + " features: " + e.getMessage());
        }
        if (shape.length != 2 || shape[1] != test.classes()) {
            throw new DatasetException("the network in " + file + " gives outputs of shape "
                    + java.util.Arrays.toString(shape) + ", but the data has " + test.classes() + " classes");
        }
    }
}

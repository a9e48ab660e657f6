package dev.gradlab.cli;

import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.SavedModel;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab evaluate}: reads a model file written by {@code train} ({@code model.safetensors}, or
 * the {@code weights.bin} of earlier versions) and reports its test accuracy.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read a model file written by 'gradlab train' (model.safetensors, or an older weights.bin;"
                + " the architecture is in its header) and print the test accuracy on the chosen data."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--weights", paramLabel = "FILE", required = true, description = "The model file (model.safetensors of a run, or an older weights.bin).")
    Path weights;

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
        SavedModel saved = WeightsFile.isLegacy(weights) ? WeightsFile.read(weights) : ModelFile.load(weights);
        DataSplit split = data.load();
        Dataset test = split.test();
        Architecture a = saved.architecture();
        if (a.inputs() != test.features() || a.outputs() != test.classes()) {
            throw new IllegalArgumentException("the network in " + weights + " takes " + a.inputs() + " inputs and gives "
                    + a.outputs() + " classes, but the data has " + test.features() + " features and " + test.classes()
                    + " classes");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("weights %s: %s%s%n", weights, a, saved.info().isEmpty() ? "" : ", " + saved.info());
        out.printf(Locale.ROOT, "test images %d (%s)%n", test.size(), data.data);
        out.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100.0 * Metrics.accuracy(saved.model(), test));
        out.flush();
        return 0;
    }
}

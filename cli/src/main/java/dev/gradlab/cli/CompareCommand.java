package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.optim.LoopBuilder;
import dev.gradlab.optim.Optimizer;
import dev.gradlab.optim.SearchTrainer;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.search.ModuleSearch;
import dev.gradlab.optim.search.SearchStrategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab compare}: trains once per method, each with the defaults of {@code gradlab train
 * --method NAME}, on the same data and seed, into one subdirectory per method, then draws every run's test accuracy
 * against training time and against loss evaluations in {@code compare.png}.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train with backprop, evolution strategies, PGPE, SNES or the genetic algorithm, each with the"
                    + " defaults of 'gradlab train --method NAME', on the same data and seed, and draw test accuracy"
                    + " against training time and against loss evaluations in one PNG.",
            "Writes one run directory per method and compare.png into --out, which must be absent or empty."
        })
final class CompareCommand implements Callable<Integer> {

    static final String CHART = "compare.png";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--methods",
            paramLabel = "NAME,...",
            split = ",",
            defaultValue = "backprop,es,ga",
            description = "The methods to run, in order: any of backprop, es, fd, ga, pgpe, snes"
                    + " (default: ${DEFAULT-VALUE}).")
    List<Method> methods;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "Epochs for every method (default: each method's own, as 'gradlab train --help' lists).")
    Integer epochs;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        if (methods.stream().distinct().count() < methods.size()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--methods': must name each" + " method once, got "
                            + methods.stream().map(Method::toString).collect(Collectors.joining(",")));
        }
        Path out = run.out.orDefault("-compare");
        long seed = run.seed;
        if (Files.exists(out) && (!Files.isDirectory(out) || !empty(out))) {
            throw Usage.error("Invalid value for option '--out': " + out + " must be absent or an empty directory");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, List<EpochMetrics>> runs = new LinkedHashMap<>();
        try (var threads = run.threads.open()) {
            DataSplit split = data.load();
            ModelOptions.Network network =
                    model.network(split.train().features(), split.train().classes());
            for (Method m : methods) {
                runs.put(m.toString(), train(m, network, split, Files.createDirectories(out.resolve(m.toString()))));
            }
        }
        GradientStatsCharts.methods(out.resolve(CHART), "gradlab compare (" + data.data + ", seed " + seed + ")", runs);
        stdout.print(Text.format(
                "%-9s %9s %9s %14s %s%n", "method", "accuracy", "seconds", "loss evals", "first reached 70%"));
        for (var e : runs.entrySet()) {
            List<EpochMetrics> rows = e.getValue();
            EpochMetrics last = rows.get(rows.size() - 1);
            EpochMetrics first = rows.stream()
                    .filter(r -> r.testAccuracy() >= 0.70f)
                    .findFirst()
                    .orElse(null);
            stdout.print(Text.format(
                    "%-9s %8.2f%% %9.1f %14d %s%n",
                    e.getKey(),
                    100.0 * last.testAccuracy(),
                    last.elapsedNanos() / 1e9,
                    last.lossEvaluations(),
                    first == null
                            ? "never"
                            : Text.format(
                                    "epoch %d, %.1f s, %d evaluations",
                                    first.epoch() + 1, first.elapsedNanos() / 1e9, first.lossEvaluations())));
        }
        stdout.printf("wrote %s in %s%n", CHART, out);
        stdout.flush();
        return 0;
    }

    private static boolean empty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The settings every gradient method and search shares here: the data, seed, epochs, batch and listener. */
    private <B extends LoopBuilder<B>> B loop(B builder, DataSplit split, int epochCount, TrainingListener listener) {
        return builder.train(split.train())
                .test(split.test())
                .seed(run.seed)
                .epochs(epochCount)
                .batchSize(TrainCommand.BATCH)
                .listener(listener);
    }

    /**
     * Trains {@code method} with its defaults into {@code dir}: metrics.csv, training.png,
     * model.safetensors (and genome.bin for ga). Returns its epochs' metrics.
     */
    private List<EpochMetrics> train(Method method, ModelOptions.Network network, DataSplit split, Path dir)
            throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        int epochCount = epochs != null ? epochs : method.epochs;
        PopulationOptions defaults = new PopulationOptions();
        long seed = run.seed;
        Sequential net;
        Genome genome = null;
        String description;
        List<EpochMetrics> rows;
        stdout.print(Text.format("%s: %s, %s%n", method, network, Text.count(epochCount, "epoch")));
        try (ConsoleListener console =
                        new ConsoleListener(stdout, spec.commandLine().getErr(), false);
                MetricsCsv csv = new MetricsCsv(dir.resolve(MetricsCsv.FILE_NAME), 0)) {
            GeneticAlgorithm.Listener listener = TrainCommand.listener(console, csv, Phases.of(false, null), 0);
            if (method == Method.GA) {
                GeneticAlgorithm.Result r = Method.evolution(
                                defaults, network.spec(), split, epochCount, TrainCommand.BATCH, false, seed)
                        .listener(listener)
                        .build()
                        .run();
                net = r.model();
                genome = r.champion();
                description = method.toString();
            } else if (method.searches()) {
                net = network.build(seed);
                SearchStrategy strategy = method.strategy(defaults, null, ModuleSearch.parameters(net), seed);
                loop(SearchTrainer.builder().model(net).strategy(strategy), split, epochCount, listener)
                        .build()
                        .run();
                description = method.describe(strategy, defaults) + ", " + method.center(null);
            } else {
                net = network.build(seed);
                GradientEstimator estimator = method.estimator(defaults, seed);
                Optimizer<?> rule = method.optimizer.create(net.parameters(), method.optimizer.lr, null);
                loop(Trainer.builder().model(net).estimator(estimator).optimizer(rule), split, epochCount, listener)
                        .build()
                        .run();
                description = estimator.name() + ", " + rule;
            }
            rows = csv.rows();
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("method", description);
        info.put("epochs", Integer.toString(epochCount));
        info.put("seed", Long.toString(seed));
        info.put("data", data.data);
        info.put("test_accuracy", Text.format("%.4f", rows.get(rows.size() - 1).testAccuracy()));
        ModelFile.save(dir.resolve(ModelFile.FILE_NAME), net, info);
        if (genome != null) {
            genome.write(dir.resolve(Genome.FILE_NAME));
        }
        TrainingChart.write(dir.resolve("training.png"), "gradlab compare: " + network + ", " + method, rows);
        return rows;
    }
}

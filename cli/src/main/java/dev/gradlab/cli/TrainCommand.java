package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.optim.Checkpoint;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.optim.LrSchedule;
import dev.gradlab.optim.Optimizer;
import dev.gradlab.optim.SearchTrainer;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.optim.TrainingStep;
import dev.gradlab.optim.search.ModuleSearch;
import dev.gradlab.optim.search.SearchStateFile;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gradlab train}: trains an MLP with backprop, evolution strategies, finite differences or
 * a genetic algorithm, prints one line per epoch and the final test accuracy, and writes
 * {@code metrics.csv}, {@code training.png} and {@code model.safetensors} (and, for the genetic
 * algorithm, the champion's {@code genome.bin}) into the output directory. The library checks the
 * values; {@link Method} is the recipe of each method.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train an MLP on Fashion-MNIST and report its test accuracy.",
            "The defaults reproduce the reference experiment: the embedded 1000/1000 subset, 784-512-10, sigmoid,"
                    + " no biases, backprop with SGD lr 0.1 momentum 0.9, batch 100, 100 epochs, seed 42."
        },
        footer = {
            "",
            "Defaults that depend on --method (options given always win):",
            "  backprop  sgd, lr 0.1, momentum 0.9, 100 epochs",
            "  es        adam, lr 0.01, 50 epochs, sigma " + EvolutionStrategies.DEFAULT_SIGMA + ",",
            "            " + EvolutionStrategies.DEFAULT_POPULATION + " antithetic pairs, rank shaping, lowrank rank 1",
            "  fd        adam, lr 0.01, 50 epochs, step (sigma) 0.001, 100 directions",
            "  ga        no optimizer, " + Method.GaDefaults.EPOCHS + " epochs, sigma " + GeneticAlgorithm.DEFAULT_SIGMA
                    + ", population " + GeneticAlgorithm.DEFAULT_POPULATION + ",",
            "            parents " + GeneticAlgorithm.DEFAULT_PARENTS + ", elites " + GeneticAlgorithm.DEFAULT_ELITES
                    + ", holdout " + Method.GaDefaults.HOLDOUT + ", lowrank rank 1",
            "  pgpe      " + Method.SearchDefaults.EPOCHS + " epochs, sigma " + Method.SearchDefaults.PGPE_SIGMA
                    + " adapted per parameter, population " + Method.SearchDefaults.POPULATION + " (pairs),",
            "            adam lr " + Method.SearchDefaults.PGPE_LR + " on the center (--lr)",
            "  snes      " + Method.SearchDefaults.EPOCHS + " epochs, sigma " + Method.SearchDefaults.SNES_SIGMA
                    + " adapted per parameter, population " + Method.SearchDefaults.POPULATION + ",",
            "            center rate " + Method.SearchDefaults.SNES_LR + " (--lr)",
            "",
            "Writes metrics.csv, training.png and model.safetensors (read by 'gradlab",
            "evaluate' and by PyTorch's safetensors.torch.load_file) into --out when the",
            "run ends; --out must be absent or empty, or a previous run's with --overwrite.",
            "ga also writes genome.bin, the champion's seed chain (read by 'gradlab",
            "evaluate --genome')."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--method",
            paramLabel = "NAME",
            defaultValue = "backprop",
            description =
                    "Gradient: backprop, es (evolution strategies) or fd (finite differences); or, with no"
                            + " gradient, ga (a genetic algorithm), pgpe or snes (search strategies) (default: ${DEFAULT-VALUE}).")
    Method method;

    @Mixin
    ModelOptions model;

    @Mixin
    OptimizerOptions optimizer;

    @Option(
            names = "--task",
            paramLabel = "NAME",
            description = "Train a policy on an environment instead of a classifier on images: cartpole or swingup,"
                    + " with --method es, pgpe, snes or ga; --epochs caps the generations (default 200 for cartpole,"
                    + " 2000 for swingup).")
    String task;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "Passes over the training set (default: 100 for backprop, 50 for es, fd, pgpe and snes).")
    Integer epochs;

    /** The batch size when {@code --batch} is left out. */
    static final int BATCH = 100;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "" + BATCH,
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    PopulationOptions population;

    @Option(
            names = "--shuffle",
            negatable = true,
            description =
                    "Shuffle the training set every epoch (default: off, the reference experiment's fixed order).")
    boolean shuffle;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    ClusterOptions cluster;

    /** The cluster a run with --cluster evaluates its populations on. */
    private ClusterOptions.Session onCluster;

    /** Where the run's time goes, with --verbose. */
    private Phases phases = Phases.of(false, null);

    /** The directory a new run writes into, settled by a shutdown hook if the JVM stops mid-run. */
    private RunDirectory running;

    @Option(
            names = "--overwrite",
            description = "Let --out be a previous run's directory, replaced when this run ends.")
    boolean overwrite;

    @Option(
            names = "--max-loss",
            paramLabel = "LOSS|off",
            defaultValue = "10000",
            converter = MaxLoss.class,
            description = "Stop as diverged when a batch or test loss exceeds LOSS (default: ${DEFAULT-VALUE});"
                    + " NaN and infinity always stop.")
    float maxLoss;

    @Option(
            names = "--resume",
            paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its checkpoint, with the run's own settings;"
                    + " only --epochs (to raise the total), --threads and --progress may be given with it.")
    Path resume;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show a progress bar on stderr (default: when stderr is a terminal).")
    Boolean progress;

    /** A run ready to start: what it prints of its method and optimizer, and how it trains into a directory. */
    private record Plan(String method, String optimizer, BiFunction<Path, GeneticAlgorithm.Listener, Outcome> run) {}

    /** What a run ends with; {@code genome} only for the genetic algorithm. */
    private record Outcome(TrainingResult result, Sequential model, Genome genome) {}

    /**
     * Trains, or resumes, holding the run directory's lock from the check of what is in it to the
     * end; first deals with what runs killed outright left beside it.
     */
    @Override
    public Integer call() throws IOException {
        CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        phases = Phases.of(
                Main.verbose(root.getParseResult()), spec.commandLine().getErr());
        phases.mark("command line read");
        if (task != null) {
            int generations = epochs != null ? epochs : task.equals("swingup") ? 2000 : 200;
            try (var t = run.threads.open()) {
                return new TaskTraining(task, method.toString(), run.seed, generations)
                        .run(spec.commandLine().getOut());
            }
        }
        Path target = resume != null ? resume.toRealPath() : run.out.orDefault("");
        if (target.toAbsolutePath().normalize().getParent() == null) {
            throw Usage.error("Invalid value for option '" + (resume != null ? "--resume" : "--out") + "': " + target
                    + " is the root directory; give a directory under it");
        }
        if (resume == null) {
            return train(null, target);
        }
        try (RunDirectory.Lock lock = lock(target, false)) {
            return ResumedRun.resume(this);
        }
    }

    /** The lock of {@code target}, after reporting what killed runs left beside it (see {@link RunDirectory#sweep}). */
    private RunDirectory.Lock lock(Path target, boolean overwrite) throws IOException {
        RunDirectory.Lock lock = RunDirectory.lock(target);
        try {
            for (String found : RunDirectory.sweep(target, overwrite)) {
                spec.commandLine().getErr().println("gradlab train: " + found);
            }
            spec.commandLine().getErr().flush();
            return lock;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** {@code --out}'s problem, if any, as a usage error. */
    private void checkOut(Path target) throws IOException {
        String obstacle = RunDirectory.obstacle(target, overwrite);
        if (obstacle != null) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--out': " + obstacle);
        }
    }

    /**
     * Trains into a new run directory at {@code target}, or, resuming from {@code resumeFrom},
     * straight into {@code target}, the run's own directory, whose checkpoint is replaced atomically
     * every epoch. Every setting is checked before anything is printed or written; a new run takes
     * the target's lock once they are.
     */
    int train(Checkpoint resumeFrom, Path target) throws IOException {
        method.check(spec.commandLine().getParseResult().matchedOptions().stream()
                .map(OptionSpec::longestName)
                .toList());
        if (resumeFrom == null) {
            checkOut(target);
        }
        try (var threads = run.threads.open()) {
            DataSplit split = data.load();
            phases.mark("data loaded");
            int held = method == Method.GA ? population.holdout(split.train().size()) : 0;
            if (batch > split.train().size() - held) {
                throw Usage.error("Invalid value for option '--batch': must be at most the "
                        + (split.train().size() - held) + " training images"
                        + (held > 0 ? " left after the " + held + " held out" : "") + ", got " + batch);
            }
            ModelOptions.Network network =
                    model.network(split.train().features(), split.train().classes());
            int epochCount = epochs != null ? epochs : method.epochs;
            if (cluster.cluster != null && method != Method.ES && method != Method.GA) {
                throw Usage.error("option '--cluster' applies to --method es or ga, got --method " + method);
            }
            try (ClusterOptions.Session c = cluster.cluster == null
                    ? null
                    : cluster.open(
                            network.spec(),
                            data.data,
                            split.train(),
                            spec.commandLine().getOut())) {
                onCluster = c;
                Plan plan = method == Method.GA
                        ? evolution(network, split, epochCount)
                        : method.searches()
                                ? search(network, split, epochCount, resumeFrom)
                                : gradient(network, split, epochCount, resumeFrom);
                phases.mark("trainer built");
                if (resumeFrom != null) {
                    return train(plan, network, split, epochCount, resumeFrom, null, target);
                }
                try (RunDirectory.Lock lock = lock(target, overwrite)) {
                    checkOut(target); // again: another run may have written it, or a killed one been moved there
                    try (RunDirectory dir = RunDirectory.open(target)) {
                        lock.releaseAfter(dir::settle);
                        return train(plan, network, split, epochCount, null, dir, target);
                    }
                }
            }
        }
    }

    private Plan gradient(ModelOptions.Network model, DataSplit split, int epochCount, Checkpoint resumeFrom)
            throws IOException {
        Sequential network = model.build(run.seed);
        GradientEstimator estimator = method.estimator(population, run.seed);
        if (onCluster != null) {
            estimator = onCluster.withEvaluator((EvolutionStrategies) estimator);
        }
        Optimizer<?> rule = optimizer.create(method, network.parameters());
        Trainer.Builder trainer = Trainer.builder()
                .model(network)
                .estimator(estimator)
                .optimizer(rule)
                .train(split.train())
                .test(split.test())
                .shuffle(shuffle)
                .seed(run.seed)
                .epochs(epochCount)
                .batchSize(batch)
                .maxLoss(maxLoss);
        if (onCluster != null) {
            trainer.listener(onCluster);
        }
        LrSchedule lr = optimizer.schedule(epochCount);
        LrSchedule sigma = population.sigmaSchedule(epochCount);
        String schedule = optimizer.describeSchedule();
        String sigmaSchedule = population.describeSigmaSchedule();
        if (lr != null) {
            trainer.lrSchedule(lr);
        }
        if (sigma != null) {
            trainer.sigmaSchedule(sigma);
        }
        if (resumeFrom != null) {
            trainer.resumeFrom(resumeFrom);
        }
        // Checks the settings together before the run prints anything.
        trainer.build();
        Map<String, String> settings = ResumedRun.settings(spec, epochCount, data.files());
        return new Plan(
                estimator.name() + (sigmaSchedule.equals("none") ? "" : " sigma schedule " + sigmaSchedule),
                rule + (schedule.equals("none") ? "" : " schedule " + schedule),
                (dir, listener) -> {
                    Trainer t = trainer.listener(listener)
                            .checkpoint(dir.resolve(Checkpoint.FILE_NAME), settings)
                            .build();
                    if (running != null) {
                        running.beforeSettle(t::finishCheckpoints);
                    }
                    return new Outcome(t.run(), network, null);
                });
    }

    /**
     * pgpe or snes over the network's parameters, one generation per batch; the strategy's state is
     * checkpointed beside the checkpoint ({@link SearchStateFile}), and read from there to resume.
     */
    private Plan search(ModelOptions.Network network, DataSplit split, int epochCount, Checkpoint resumeFrom)
            throws IOException {
        Sequential model = network.build(run.seed);
        SearchStrategy strategy = method.strategy(population, optimizer.lr, ModuleSearch.parameters(model), run.seed);
        SearchTrainer.Builder trainer = SearchTrainer.builder()
                .model(model)
                .strategy(strategy)
                .train(split.train())
                .test(split.test())
                .shuffle(shuffle)
                .seed(run.seed)
                .epochs(epochCount)
                .batchSize(batch)
                .maxLoss(maxLoss);
        if (resumeFrom != null) {
            trainer.resumeFrom(
                    resumeFrom, SearchStateFile.read(resumeFrom.source().resolveSibling(SearchStateFile.FILE_NAME)));
        }
        trainer.build();
        Map<String, String> settings = ResumedRun.settings(spec, epochCount, data.files());
        return new Plan(
                method.describe(strategy, population),
                method.center(optimizer.lr),
                (dir, listener) -> new Outcome(
                        trainer.listener(listener)
                                .checkpoint(dir.resolve(Checkpoint.FILE_NAME), settings)
                                .build()
                                .run(),
                        model,
                        null));
    }

    private Plan evolution(ModelOptions.Network network, DataSplit split, int epochCount) {
        GeneticAlgorithm.Builder ga =
                Method.evolution(population, network.spec(), split, epochCount, batch, shuffle, run.seed);
        if (onCluster != null) {
            ga.evaluator(onCluster.evaluator()).listener(onCluster);
        }
        ga.build();
        String description = Text.format(
                "ga P=%d T=%d E=%d %s sigma %s holdout %d",
                population.population(method),
                population.parents(),
                population.elites(),
                population.perturbation(),
                population.sigma(method),
                population.holdout(split.train().size()));
        return new Plan(description, "no optimizer", (dir, listener) -> {
            GeneticAlgorithm.Result r = ga.listener(listener).build().run();
            return new Outcome(r.result(), r.model(), r.champion());
        });
    }

    private int train(
            Plan plan,
            ModelOptions.Network network,
            DataSplit split,
            int epochCount,
            Checkpoint resumeFrom,
            RunDirectory run,
            Path target)
            throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir = run != null ? run.path() : target;
        running = run;
        stdout.printf(
                Locale.ROOT,
                "gradlab train: %s (%d parameters), %s, %s, batch %d, %s, seed %d%n",
                network,
                network.spec().parameterCount(),
                plan.method(),
                plan.optimizer(),
                batch,
                Text.count(epochCount, "epoch"),
                this.run.seed);
        stdout.printf(
                Locale.ROOT,
                "data %s; %s; %s%n",
                DataOptions.describe(data.data, split),
                Simd.vectorized() ? "Vector API kernels" : "scalar kernels",
                Text.count(Parallel.threads(), "thread"));
        String chartTitle = "gradlab train: " + network + ", " + plan.method();
        TrainingChart.warmUp(chartTitle, Parallel.threads());
        Outcome outcome;
        List<EpochMetrics> history;
        try (ConsoleListener console =
                        new ConsoleListener(stdout, spec.commandLine().getErr(), showProgress());
                MetricsCsv csv = new MetricsCsv(
                        dir.resolve(MetricsCsv.FILE_NAME), resumeFrom == null ? 0 : resumeFrom.epoch())) {
            outcome = plan.run().apply(dir, listener(console, csv, phases, epochCount));
            history = csv.rows();
        }
        phases.mark("training done");
        // A resumed run that had done all its epochs trained none now: its accuracy is its last epoch's.
        float accuracy = resumeFrom != null && resumeFrom.epoch() == epochCount && history.size() == epochCount
                ? history.get(epochCount - 1).testAccuracy()
                : outcome.result().testAccuracy();
        if (Float.isNaN(accuracy)) {
            throw new IllegalStateException("no test accuracy for the run's last epoch in "
                    + dir.resolve(MetricsCsv.FILE_NAME) + "; train it further with --epochs");
        }

        Map<String, String> info = new LinkedHashMap<>();
        info.put("method", plan.method());
        info.put("optimizer", plan.optimizer());
        info.put("epochs", Integer.toString(epochCount));
        info.put("batch", Integer.toString(batch));
        info.put("seed", Long.toString(this.run.seed));
        info.put("data", data.data);
        info.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        ModelFile.save(dir.resolve(ModelFile.FILE_NAME), outcome.model(), info);
        phases.mark("model written");
        if (outcome.genome() != null) {
            outcome.genome().write(dir.resolve(Genome.FILE_NAME));
        }
        TrainingChart.write(dir.resolve("training.png"), chartTitle, history);
        phases.mark("training.png drawn");
        if (run != null) {
            run.commit();
        } else {
            Files.deleteIfExists(dir.resolve(RunDirectory.INCOMPLETE));
        }
        phases.mark("run directory committed");

        stdout.printf(
                Locale.ROOT,
                "trained in %.1f s (%d loss evaluations); wrote %s, %s, %s and %s in %s%n",
                outcome.result().wallNanos() / 1e9,
                outcome.result().lossEvaluations(),
                MetricsCsv.FILE_NAME,
                "training.png",
                ModelFile.FILE_NAME,
                outcome.genome() != null
                        ? Genome.FILE_NAME
                        : Checkpoint.FILE_NAME + (method.searches() ? " (with " + SearchStateFile.FILE_NAME + ")" : ""),
                target);
        stdout.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100.0 * accuracy);
        stdout.flush();
        return 0;
    }

    /**
     * The console's lines and the CSV's rows of a run, as the listener of a Trainer or a
     * GeneticAlgorithm, marking the first, tenth and last of {@code epochs} epochs on {@code phases}.
     */
    static GeneticAlgorithm.Listener listener(ConsoleListener console, MetricsCsv csv, Phases phases, int epochs) {
        return new GeneticAlgorithm.Listener() {
            @Override
            public void onStart(int epochs, int batchesPerEpoch) {
                console.onStart(epochs, batchesPerEpoch);
                csv.onStart(epochs, batchesPerEpoch);
            }

            @Override
            public void onStep(TrainingStep step) {
                console.onStep(step);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                csv.onEpoch(m);
                console.onEpoch(m);
                if (m.epoch() == 0 || m.epoch() == 9 || m.epoch() == epochs - 1) {
                    phases.mark("epoch " + (m.epoch() + 1));
                }
            }
        };
    }

    private boolean showProgress() {
        if (progress != null) {
            return progress;
        }
        String launcher = System.getProperty("gradlab.progress");
        return launcher != null ? Boolean.parseBoolean(launcher) : System.console() != null;
    }

    /** {@code --max-loss}: a number, or {@code off} for no bound (+∞); the trainer checks the number. */
    static final class MaxLoss implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            if (value.strip().equalsIgnoreCase("off")) {
                return Float.POSITIVE_INFINITY;
            }
            try {
                Float.parseFloat(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a finite number > 0 or 'off', got '" + value + "'");
            }
            return Float32.parse(value);
        }
    }
}

package dev.gradlab.cli;

import dev.gradlab.core.model.Architecture;
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
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.optim.TrainingStep;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gradlab train}: trains an MLP with backprop, evolution strategies, finite differences or
 * a genetic algorithm, prints one line per epoch and the final test accuracy, and writes
 * {@code metrics.csv}, {@code training.png} and {@code model.safetensors} (and, for the genetic
 * algorithm, the champion's {@code genome.bin}) into the output directory. The library checks the
 * values; {@link Method} is the recipe of each method.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP on Fashion-MNIST and report its test accuracy.",
                "The defaults reproduce the notebook: the embedded 1000/1000 subset, 784-512-10, sigmoid,"
                        + " no biases, backprop with SGD lr 0.1 momentum 0.9, batch 100, 100 epochs, seed 42."},
        footer = {"", "Defaults that depend on --method (options given always win):",
                "  backprop  sgd, lr 0.1, momentum 0.9, 100 epochs",
                "  es        adam, lr 0.01, 50 epochs, sigma 0.05,",
                "            100 antithetic pairs, rank shaping, lowrank rank 1",
                "  fd        adam, lr 0.01, 50 epochs, step (sigma) 0.001, 100 directions",
                "  ga        no optimizer, " + Method.GaDefaults.EPOCHS + " epochs, sigma " + Method.GaDefaults.SIGMA
                        + ", population " + Method.GaDefaults.POPULATION + ",",
                "            parents " + Method.GaDefaults.PARENTS + ", elites " + Method.GaDefaults.ELITES + ", holdout "
                        + Method.GaDefaults.HOLDOUT + ", lowrank rank 1",
                "", "Writes metrics.csv, training.png and model.safetensors (read by 'gradlab",
                "evaluate' and by PyTorch's safetensors.torch.load_file) into --out when the",
                "run ends; --out must be absent or empty, or a previous run's with --overwrite.",
                "ga also writes genome.bin, the champion's seed chain (read by 'gradlab",
                "evaluate --genome')."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "backprop",
            description = "Gradient: backprop, es (evolution strategies) or fd (finite differences); or ga, a genetic"
                    + " algorithm with no gradient (default: ${DEFAULT-VALUE}).")
    Method method;

    @Mixin
    ModelOptions model;

    @Mixin
    OptimizerOptions optimizer;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: 100 for backprop, 50 for es and fd).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    PopulationOptions population;

    @Option(names = "--shuffle", negatable = true,
            description = "Shuffle the training set every epoch (default: off, the notebook's fixed order).")
    boolean shuffle;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    ClusterOptions cluster;

    /** The cluster a run with --cluster evaluates its populations on. */
    private ClusterOptions.Session onCluster;

    @Option(names = "--overwrite", description = "Let --out be a previous run's directory, replaced when this run ends.")
    boolean overwrite;

    @Option(names = "--max-loss", paramLabel = "LOSS|off", defaultValue = "10000", converter = MaxLoss.class,
            description = "Stop as diverged when a batch or test loss exceeds LOSS (default: ${DEFAULT-VALUE});"
                    + " NaN and infinity always stop.")
    float maxLoss;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its checkpoint, with the run's own settings;"
                    + " only --epochs (to raise the total), --threads and --progress may be given with it.")
    Path resume;

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar on stderr (default: when stderr is a terminal).")
    Boolean progress;

    /** A run ready to start: what it prints of its method and optimizer, and how it trains into a directory. */
    private record Plan(String method, String optimizer, BiFunction<Path, GeneticAlgorithm.Listener, Outcome> run) {
    }

    /** What a run ends with; {@code genome} only for the genetic algorithm. */
    private record Outcome(TrainingResult result, Sequential model, Genome genome) {
    }

    @Override
    public Integer call() throws IOException {
        return resume != null ? ResumedRun.of(this).call() : train(null);
    }

    /**
     * Trains into a new run directory at {@code --out}, or, resuming from {@code resumeFrom}, straight
     * into {@code --out}, the run's own directory, whose checkpoint is replaced atomically every epoch.
     * Every setting is checked before anything is printed or written.
     */
    int train(Checkpoint resumeFrom) throws IOException {
        method.check(spec.commandLine().getParseResult().matchedOptions().stream().map(OptionSpec::longestName).toList());
        Path target = run.out.orDefault("");
        String obstacle = resumeFrom != null ? null : RunDirectory.obstacle(target, overwrite);
        if (obstacle != null) {
            throw new IllegalArgumentException("Invalid value for option '--out': " + obstacle);
        }
        try (var threads = run.threads.open()) {
            DataSplit split = data.load();
            int held = method == Method.GA ? population.holdout(split.train().size()) : 0;
            if (batch > split.train().size() - held) {
                throw new IllegalArgumentException("Invalid value for option '--batch': must be at most the "
                        + (split.train().size() - held) + " training images"
                        + (held > 0 ? " left after the " + held + " held out" : "") + ", got " + batch);
            }
            Architecture architecture = model.architecture(split.train().features(), split.train().classes());
            int epochCount = epochs != null ? epochs : method.epochs;
            if (cluster.cluster != null && method != Method.ES && method != Method.GA) {
                throw new IllegalArgumentException("option '--cluster' applies to --method es or ga, got --method " + method);
            }
            try (ClusterOptions.Session c = cluster.cluster == null ? null
                    : cluster.open(architecture, data.data, split.train(), spec.commandLine().getOut())) {
                onCluster = c;
                Plan plan = method == Method.GA ? evolution(architecture, split, epochCount)
                        : gradient(architecture, split, epochCount, resumeFrom);
                try (RunDirectory dir = resumeFrom == null ? RunDirectory.open(target) : null) {
                    return train(plan, architecture, split, epochCount, resumeFrom, dir, target);
                }
            }
        }
    }

    private Plan gradient(Architecture architecture, DataSplit split, int epochCount, Checkpoint resumeFrom) {
        Sequential network = architecture.build(run.seed);
        GradientEstimator estimator = method.estimator(population, run.seed);
        if (onCluster != null) {
            estimator = onCluster.withEvaluator((EvolutionStrategies) estimator);
        }
        Optimizer<?> rule = optimizer.create(method, network.parameters());
        Trainer.Builder trainer = Trainer.builder().model(network).estimator(estimator).optimizer(rule)
                .train(split.train()).test(split.test()).shuffle(shuffle).seed(run.seed);
        Usage.option("--epochs", () -> trainer.epochs(epochCount));
        Usage.option("--batch", () -> trainer.batchSize(batch));
        Usage.option("--max-loss", () -> trainer.maxLoss(maxLoss));
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
        Usage.options(Map.of("sigmaSchedule", "--sigma-schedule"), trainer::build);
        Map<String, String> settings = ResumedRun.settings(spec, epochCount);
        return new Plan(estimator.name() + (sigmaSchedule.equals("none") ? "" : " sigma schedule " + sigmaSchedule),
                rule + (schedule.equals("none") ? "" : " schedule " + schedule),
                (dir, listener) -> new Outcome(trainer.listener(listener)
                        .checkpoint(dir.resolve(Checkpoint.FILE_NAME), settings).build().run(), network, null));
    }

    private Plan evolution(Architecture architecture, DataSplit split, int epochCount) {
        GeneticAlgorithm.Builder ga = Method.evolution(population, architecture, split, epochCount, batch, shuffle,
                run.seed);
        if (onCluster != null) {
            ga.evaluator(onCluster.evaluator()).listener(onCluster);
        }
        ga.build();
        String description = String.format(Locale.ROOT, "ga P=%d T=%d E=%d %s sigma %s holdout %d",
                population.population(method), population.parents(), population.elites(), population.perturbation(),
                population.sigma(method), population.holdout(split.train().size()));
        return new Plan(description, "no optimizer", (dir, listener) -> {
            GeneticAlgorithm.Result r = ga.listener(listener).build().run();
            return new Outcome(r.result(), r.model(), r.champion());
        });
    }

    private int train(Plan plan, Architecture architecture, DataSplit split, int epochCount, Checkpoint resumeFrom,
                      RunDirectory run, Path target) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir = run != null ? run.path() : target;
        stdout.printf(Locale.ROOT, "gradlab train: %s (%d parameters), %s, %s, batch %d, %s, seed %d%n",
                architecture, architecture.parameterCount(), plan.method(), plan.optimizer(), batch,
                Text.count(epochCount, "epoch"), this.run.seed);
        stdout.printf(Locale.ROOT, "data %s; %s; %s%n", DataOptions.describe(data.data, split),
                Simd.vectorized() ? "Vector API kernels" : "scalar kernels", Text.count(Parallel.threads(), "thread"));
        Outcome outcome;
        List<EpochMetrics> history;
        try (ConsoleListener console = new ConsoleListener(stdout, spec.commandLine().getErr(), showProgress());
             MetricsCsv csv = new MetricsCsv(dir.resolve(MetricsCsv.FILE_NAME), resumeFrom == null ? 0 : resumeFrom.epoch())) {
            outcome = plan.run().apply(dir, new GeneticAlgorithm.Listener() {
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
                }
            });
            history = csv.rows();
        }

        Map<String, String> info = new LinkedHashMap<>();
        info.put("method", plan.method());
        info.put("optimizer", plan.optimizer());
        info.put("epochs", Integer.toString(epochCount));
        info.put("batch", Integer.toString(batch));
        info.put("seed", Long.toString(this.run.seed));
        info.put("data", data.data);
        info.put("test_accuracy", String.format(Locale.ROOT, "%.4f", outcome.result().testAccuracy()));
        ModelFile.save(dir.resolve(ModelFile.FILE_NAME), architecture, outcome.model(), info);
        if (outcome.genome() != null) {
            outcome.genome().write(dir.resolve(Genome.FILE_NAME));
        }
        TrainingChart.write(dir.resolve("training.png"), "gradlab train: " + architecture + ", " + plan.method(), history);
        if (run != null) {
            run.commit();
        } else {
            Files.deleteIfExists(dir.resolve(RunDirectory.INCOMPLETE));
        }

        stdout.printf(Locale.ROOT, "trained in %.1f s (%d loss evaluations); wrote %s, %s, %s and %s in %s%n",
                outcome.result().wallNanos() / 1e9, outcome.result().lossEvaluations(), MetricsCsv.FILE_NAME,
                "training.png", ModelFile.FILE_NAME, outcome.genome() != null ? Genome.FILE_NAME : Checkpoint.FILE_NAME,
                target);
        stdout.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100.0 * outcome.result().testAccuracy());
        stdout.flush();
        return 0;
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
                return Float.parseFloat(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a finite number > 0 or 'off', got '" + value + "'");
            }
        }
    }
}

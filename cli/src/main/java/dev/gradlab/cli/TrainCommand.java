package dev.gradlab.cli;

import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.Checkpoint;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.FiniteDifferences;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.optim.LrSchedule;
import dev.gradlab.optim.Optimizer;
import dev.gradlab.optim.Sgd;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab train}: trains an MLP with backprop, evolution strategies, finite differences or
 * a genetic algorithm, prints one line per epoch and the final test accuracy, and writes
 * {@code metrics.csv}, {@code training.png} and {@code model.safetensors} (and, for the genetic
 * algorithm, the champion's {@code genome.bin}) into the output directory.
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
                "", "Writes metrics.csv, training.png and model.safetensors (read by 'gradlab evaluate' and by",
                "PyTorch's safetensors.torch.load_file)",
                "into --out; ga also writes genome.bin, the champion's seed chain (read by 'gradlab evaluate --genome')."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "backprop",
            description = "Gradient: backprop, es (evolution strategies) or fd (finite differences); or ga, a genetic"
                    + " algorithm with no gradient (default: ${DEFAULT-VALUE}).")
    Method method;

    @Mixin
    ModelOptions model;

    @Option(names = "--optimizer", paramLabel = "NAME",
            description = "Optimizer: sgd or adam (default: sgd for backprop, adam for es and fd).")
    OptimizerChoice optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.1 for backprop, 0.01 for es and fd).")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum, PyTorch's semantics (default: 0.9).")
    Float momentum;

    @Option(names = "--lr-schedule", paramLabel = "SPEC", defaultValue = "none",
            description = "Learning rate per epoch: none, step:EPOCHS:GAMMA (times GAMMA every EPOCHS epochs) or cosine"
                    + " (annealed to 0 over the run), as torch.optim.lr_scheduler (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Linear learning-rate warm-up: epoch k < N runs at (k+1)/(N+1) of the rate (default: none).")
    Integer warmup;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: 100 for backprop, 50 for es and fd).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--sigma", paramLabel = "S",
            description = "es: standard deviation of the perturbations (default 0.05); fd: the step (default 0.001);"
                    + " ga: of the mutations (default " + Method.GaDefaults.SIGMA + ").")
    Float sigma;

    @Option(names = "--population", paramLabel = "N",
            description = "es: perturbations per step (pairs with --antithetic); fd: random directions per step (default: 100);"
                    + " ga: individuals per generation, elites included (default: " + Method.GaDefaults.POPULATION + ").")
    Integer population;

    @Option(names = "--parents", paramLabel = "T",
            description = "ga: the fittest T of a generation breed the next (default: " + Method.GaDefaults.PARENTS + ").")
    Integer parents;

    @Option(names = "--elites", paramLabel = "E",
            description = "ga: the fittest E pass on unchanged; the best of them on the held-out images is the champion"
                    + " (default: " + Method.GaDefaults.ELITES + ").")
    Integer elites;

    @Option(names = "--holdout", paramLabel = "N",
            description = "ga: the last N training images are held out to choose the champion among the elites, 0 for"
                    + " none (default: " + Method.GaDefaults.HOLDOUT + ").")
    Integer holdout;

    @Option(names = "--antithetic", negatable = true,
            description = "es: mirrored pairs w±v (default: on; --no-antithetic with --no-rank-shaping is the notebook's estimator).")
    Boolean antithetic;

    @Option(names = "--rank-shaping", negatable = true, description = "es: replace losses by centered ranks (default: on).")
    Boolean rankShaping;

    @Option(names = "--baseline", negatable = true, description = "es: subtract the mean loss of the population (default: off).")
    Boolean baseline;

    @Option(names = "--perturbation", paramLabel = "KIND",
            description = "es and ga: full (Gaussian noise on every weight) or lowrank (A·Bᵀ/√r per weight matrix,"
                    + " EGGROLL) (default: lowrank).")
    PerturbationChoice perturbation;

    @Option(names = "--rank", paramLabel = "R", description = "es and ga with --perturbation lowrank: the rank r (default: 1).")
    Integer rank;

    @Option(names = "--shuffle", negatable = true,
            description = "Shuffle the training set every epoch (default: off, the notebook's fixed order).")
    boolean shuffle;

    @Mixin
    DataOptions data;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory, absent or empty (default: runs/<date-time>); written when the run ends.")
    Path out;

    @Option(names = "--overwrite", description = "Let --out be a previous run's directory, replaced when this run ends.")
    boolean overwrite;

    @Option(names = "--max-loss", paramLabel = "LOSS|off", defaultValue = "10000",
            description = "Stop as diverged when a batch or test loss exceeds LOSS (default: ${DEFAULT-VALUE});"
                    + " NaN and infinity always stop.")
    String maxLoss;
    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its checkpoint, with the run's own settings;"
                    + " only --epochs (to raise the total), --threads and --progress may be given with it.")
    Path resume;

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            return ResumedRun.of(this).call();
        }
        validate();
        try (var scope = threads.open(); RunDirectory run = RunDirectory.open(out != null ? out : defaultOutput())) {
            return train(run, null);
        }
    }

    /**
     * Trains into {@code run}, or, resuming from the checkpoint {@code resumeFrom}, straight into
     * {@code --out}, the run's own directory, whose checkpoint is replaced atomically every epoch.
     */
    int train(RunDirectory run, Checkpoint resumeFrom) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();

        DataSplit split = data.load();
        int held = method == Method.GA ? holdoutValue() : 0;
        if (held >= split.train().size()) {
            throw usage("Invalid value for option '--holdout': must be less than the " + split.train().size()
                    + " training images, got " + held);
        }
        if (batch > split.train().size() - held) {
            throw usage("Invalid value for option '--batch': must be at most the " + (split.train().size() - held)
                    + " training images" + (held > 0 ? " left after the " + held + " held out" : "") + ", got " + batch);
        }
        Architecture architecture = model.architecture(split.train().features(), split.train().classes());
        int epochCount = epochs != null ? epochs : method.epochs;
        Path dir = run != null ? run.path() : out;

        stdout.printf(Locale.ROOT, "gradlab train: %s (%d parameters), %s, %s, batch %d, %s, seed %d%n",
                architecture, architecture.parameterCount(), describeEstimator(), describeOptimizer(), batch,
                Text.count(epochCount, "epoch"), model.seed);
        stdout.printf(Locale.ROOT, "data %s; %s; %s%n", DataOptions.describe(data.data, split),
                Simd.vectorized() ? "Vector API kernels" : "scalar kernels", Text.count(Parallel.threads(), "thread"));

        TrainingResult result;
        List<EpochMetrics> history;
        Sequential network;
        Genome genome = null;
        try (ConsoleListener console = new ConsoleListener(stdout, stderr, showProgress());
             MetricsCsv csv = new MetricsCsv(dir.resolve(MetricsCsv.FILE_NAME), resumeFrom == null ? 0 : resumeFrom.epoch())) {
            GeneticAlgorithm.Listener both = new GeneticAlgorithm.Listener() {
                @Override
                public void onStart(int epochs, int batchesPerEpoch) {
                    console.onStart(epochs, batchesPerEpoch);
                    csv.onStart(epochs, batchesPerEpoch);
                }

                @Override
                public void onBatch(int epoch, int batch, float loss) {
                    console.onBatch(epoch, batch, loss);
                }

                @Override
                public void onEpoch(EpochMetrics m) {
                    csv.onEpoch(m);
                    console.onEpoch(m);
                }
            };
            if (method == Method.GA) {
                GeneticAlgorithm.Result evolved = evolve(architecture, split, epochCount, both);
                result = evolved.result();
                network = evolved.model();
                genome = evolved.champion();
            } else {
                network = architecture.build(model.seed);
                result = trainer(network, split, epochCount, both, resumeFrom, dir).build().run();
            }
            history = csv.rows();
        }

        Map<String, String> info = new LinkedHashMap<>();
        info.put("method", describeEstimator().replace(' ', '_'));
        info.put("optimizer", describeOptimizer().replace(' ', '_'));
        info.put("epochs", Integer.toString(epochCount));
        info.put("batch", Integer.toString(batch));
        info.put("seed", Long.toString(model.seed));
        info.put("data", data.data);
        info.put("test_accuracy", String.format(Locale.ROOT, "%.4f", result.testAccuracy()));
        ModelFile.save(dir.resolve(ModelFile.FILE_NAME), architecture, network, info);
        if (genome != null) {
            genome.write(dir.resolve(Genome.FILE_NAME));
        }
        writeChart(dir.resolve("training.png"), architecture + ", " + describeEstimator(), history);
        if (run != null) {
            run.commit();
        } else {
            Files.deleteIfExists(dir.resolve(RunDirectory.INCOMPLETE));
        }

        stdout.printf(Locale.ROOT, "trained in %.1f s (%d loss evaluations); wrote %s, %s, %s and %s in %s%n",
                result.wallNanos() / 1e9, result.lossEvaluations(), MetricsCsv.FILE_NAME, "training.png",
                ModelFile.FILE_NAME, genome != null ? Genome.FILE_NAME : Checkpoint.FILE_NAME,
                run != null ? run.target() : dir);
        stdout.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100.0 * result.testAccuracy());
        stdout.flush();
        return 0;
    }

    private Trainer.Builder trainer(Sequential network, DataSplit split, int epochCount, TrainingListener listener,
                                    Checkpoint resumeFrom, Path dir) {
        LrSchedule schedule = schedule(epochCount);
        Trainer.Builder trainer = Trainer.builder().model(network).estimator(estimator())
                .optimizer(optimizer(network.parameters()))
                .train(split.train()).test(split.test()).epochs(epochCount).batchSize(batch)
                .shuffle(shuffle).seed(model.seed).listener(listener).maxLoss(maxLossValue())
                .checkpoint(dir.resolve(Checkpoint.FILE_NAME), ResumedRun.settings(spec, epochCount));
        if (schedule != null) {
            trainer.lrSchedule(schedule);
        }
        if (resumeFrom != null) {
            trainer.resumeFrom(resumeFrom);
        }
        return trainer;
    }

    /** The genetic algorithm on the training set less its last --holdout images, which choose the champion. */
    private GeneticAlgorithm.Result evolve(Architecture architecture, DataSplit split, int epochCount,
                                           GeneticAlgorithm.Listener listener) {
        Dataset train = split.train();
        int held = holdoutValue();
        int kept = train.size() - held;
        int f = train.features();
        Dataset fitness = held == 0 ? train : new Dataset(Arrays.copyOf(train.images(), kept * f),
                Arrays.copyOf(train.labels(), kept), f, train.classes());
        Dataset validation = held == 0 ? null : new Dataset(Arrays.copyOfRange(train.images(), kept * f, train.size() * f),
                Arrays.copyOfRange(train.labels(), kept, train.size()), f, train.classes());
        return GeneticAlgorithm.builder().architecture(architecture).initialSeed(model.seed).seed(model.seed)
                .population(populationValue()).parents(parentsValue()).elites(elitesValue()).sigma(sigmaValue())
                .perturbation(perturbationChoice().of(rankValue())).train(fitness).validation(validation)
                .test(split.test()).epochs(epochCount).batchSize(batch).shuffle(shuffle).listener(listener)
                .build().run();
    }

    void validate() {
        model.validate();
        positive("--epochs", epochs);
        positive("--batch", batch);
        positive("--population", population);
        positive("--warmup", warmup);
        schedule(epochs != null ? epochs : method.epochs);
        if (lr != null && !(lr > 0 && Float.isFinite(lr))) {
            throw usage("Invalid value for option '--lr': must be a finite number > 0, got " + lr);
        }
        if (sigma != null && !(sigma > 0 && Float.isFinite(sigma))) {
            throw usage("Invalid value for option '--sigma': must be a finite number > 0, got " + sigma);
        }
        if (momentum != null && !(momentum >= 0 && momentum < 1)) {
            throw usage("Invalid value for option '--momentum': must be in [0, 1), got " + momentum);
        }
        if (momentum != null && method != Method.GA && optimizerChoice() != OptimizerChoice.SGD) {
            throw usage("option '--momentum' applies to --optimizer sgd, got --optimizer " + optimizerChoice());
        }
        if (out != null && out.toString().isEmpty()) {
            throw usage("Invalid value for option '--out': must name a directory, got an empty path");
        }
        String obstacle;
        try {
            obstacle = out == null || resume != null ? null : RunDirectory.obstacle(out, overwrite);
        } catch (IOException e) {
            obstacle = out + " cannot be listed: " + Main.describe(e);
        }
        if (obstacle != null) {
            throw usage("Invalid value for option '--out': " + obstacle);
        }
        maxLossValue();
        if (method == Method.BACKPROP) {
            rejectFor("--sigma", sigma);
            rejectFor("--population", population);
        }
        if (method != Method.ES) {
            rejectFor("--antithetic", antithetic);
            rejectFor("--rank-shaping", rankShaping);
            rejectFor("--baseline", baseline);
        }
        positive("--parents", parents);
        positive("--elites", elites);
        if (holdout != null && holdout < 0) {
            throw usage("Invalid value for option '--holdout': must be >= 0, got " + holdout);
        }
        if (method == Method.GA) {
            rejectFor("--optimizer", optimizer);
            rejectFor("--lr", lr);
            rejectFor("--momentum", momentum);
            rejectFor("--warmup", warmup);
            if (!scheduleSpec().equals("none")) {
                throw usage("option '--lr-schedule' does not apply to --method ga");
            }
            if (!(elitesValue() <= parentsValue() && parentsValue() <= populationValue()
                    && elitesValue() < populationValue())) {
                throw usage("--elites, --parents and --population must satisfy 1 <= E <= T <= P and E < P, got E = "
                        + elitesValue() + ", T = " + parentsValue() + ", P = " + populationValue());
            }
        } else {
            rejectFor("--parents", parents);
            rejectFor("--elites", elites);
            rejectFor("--holdout", holdout);
        }
        positive("--rank", rank);
        if (method != Method.ES && method != Method.GA) {
            rejectFor("--perturbation", perturbation);
            rejectFor("--rank", rank);
        } else if (rank != null && perturbationChoice() != PerturbationChoice.LOWRANK) {
            throw usage("option '--rank' applies only to --perturbation lowrank");
        }
    }

    /** The --max-loss bound; +∞ for "off". */
    private float maxLossValue() {
        if (maxLoss.equals("off")) {
            return Float.POSITIVE_INFINITY;
        }
        try {
            float v = Float.parseFloat(maxLoss);
            if (v > 0 && Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("Invalid value for option '--max-loss': must be a finite number > 0 or 'off', got '" + maxLoss + "'");
    }

    private void positive(String option, Integer value) {
        if (value != null && value < 1) {
            throw usage("Invalid value for option '" + option + "': must be >= 1, got " + value);
        }
    }

    private void rejectFor(String option, Object value) {
        if (value != null) {
            throw usage("option '" + option + "' does not apply to --method " + method);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private OptimizerChoice optimizerChoice() {
        return optimizer != null ? optimizer : method.optimizer;
    }

    private float learningRate() {
        return lr != null ? lr : optimizerChoice() == method.optimizer ? method.lr
                : optimizerChoice() == OptimizerChoice.SGD ? Method.BACKPROP.lr : Method.ES.lr;
    }

    /** The --warmup and --lr-schedule schedule, or null when the rate stays constant. */
    private LrSchedule schedule(int epochCount) {
        if (scheduleSpec().equals("none")) {
            return null;
        }
        try {
            return LrSchedule.parse(scheduleSpec(), epochCount);
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value for option '--lr-schedule' or '--warmup': " + e.getMessage());
        }
    }

    /** --lr-schedule with the --warmup before it, as LrSchedule.parse reads it. */
    private String scheduleSpec() {
        String spec = lrSchedule.strip().toLowerCase(Locale.ROOT);
        return warmup == null ? spec : spec.equals("none") ? "warmup:" + warmup : "warmup:" + warmup + "," + spec;
    }

    private float sigmaValue() {
        return sigma != null ? sigma : method.sigma;
    }

    private int populationValue() {
        return population != null ? population : method.population;
    }

    private PerturbationChoice perturbationChoice() {
        return method != Method.ES && method != Method.GA ? null
                : perturbation != null ? perturbation : Method.PERTURBATION;
    }

    private int parentsValue() {
        return parents != null ? parents : Method.GaDefaults.PARENTS;
    }

    private int elitesValue() {
        return elites != null ? elites : Method.GaDefaults.ELITES;
    }

    private int holdoutValue() {
        return holdout != null ? holdout : Method.GaDefaults.HOLDOUT;
    }

    private int rankValue() {
        return rank != null ? rank : Method.RANK;
    }

    private GradientEstimator estimator() {
        return switch (method) {
            case BACKPROP -> new Backprop();
            case ES -> EvolutionStrategies.builder().population(populationValue()).sigma(sigmaValue())
                    .antithetic(antithetic != null ? antithetic : method.antithetic)
                    .rankShaping(rankShaping != null ? rankShaping : method.rankShaping)
                    .baseline(baseline != null && baseline).perturbation(perturbationChoice().of(rankValue()))
                    .seed(model.seed).build();
            case FD -> FiniteDifferences.directional(populationValue(), sigmaValue(), model.seed);
            case GA -> throw new IllegalStateException("ga is not a gradient estimator");
        };
    }

    private Optimizer<?> optimizer(List<Tensor> parameters) {
        return switch (optimizerChoice()) {
            case SGD -> new Sgd(parameters, learningRate(), momentum != null ? momentum : method.momentum);
            case ADAM -> new Adam(parameters, learningRate());
        };
    }

    private String describeEstimator() {
        return switch (method) {
            case BACKPROP -> "backprop";
            case ES -> String.format(Locale.ROOT, "es N=%d%s %s sigma %s%s%s", populationValue(),
                    (antithetic != null ? antithetic : method.antithetic) ? " antithetic" : "",
                    perturbationChoice().of(rankValue()), sigmaValue(),
                    (rankShaping != null ? rankShaping : method.rankShaping) ? " ranks" : "",
                    baseline != null && baseline ? " baseline" : "");
            case FD -> String.format(Locale.ROOT, "fd %d directions step %s", populationValue(), sigmaValue());
            case GA -> String.format(Locale.ROOT, "ga P=%d T=%d E=%d %s sigma %s holdout %d", populationValue(),
                    parentsValue(), elitesValue(), perturbationChoice().of(rankValue()), sigmaValue(), holdoutValue());
        };
    }

    private String describeOptimizer() {
        if (method == Method.GA) {
            return "no optimizer";
        }
        String schedule = scheduleSpec().equals("none") ? "" : " schedule " + scheduleSpec();
        return switch (optimizerChoice()) {
            case SGD -> String.format(Locale.ROOT, "sgd lr %s momentum %s", learningRate(),
                    momentum != null ? momentum : method.momentum);
            case ADAM -> String.format(Locale.ROOT, "adam lr %s", learningRate());
        } + schedule;
    }

    private boolean showProgress() {
        if (progress != null) {
            return progress;
        }
        String launcher = System.getProperty("gradlab.progress");
        return launcher != null ? Boolean.parseBoolean(launcher) : System.console() != null;
    }

    /** runs/<date-time>, with a suffix when a run started in the same second already has it. */
    private static Path defaultOutput() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of("runs", stamp);
        for (int k = 2; Files.exists(dir); k++) {
            dir = Path.of("runs", stamp + "-" + k);
        }
        return dir;
    }

    private static void writeChart(Path file, String run, List<EpochMetrics> history) throws IOException {
        int n = history.size();
        double[] epoch = new double[n];
        double[] train = new double[n];
        double[] test = new double[n];
        double[] accuracy = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = history.get(i);
            epoch[i] = m.epoch() + 1;
            train[i] = m.trainLoss();
            test[i] = m.testLoss();
            accuracy[i] = m.testAccuracy();
        }
        TrainingChart.write(file, "gradlab train: " + run, epoch, train, test, accuracy);
    }
}

package dev.gradlab.cli;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EstimatorComparison;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.FiniteDifferences;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.simd.Parallel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import picocli.CommandLine.Spec;

/**
 * {@code gradlab gradients}: compares the gradient estimators with backprop at the initial weights on
 * one batch (cosine, relative error, loss evaluations, time), and sweeps the ES population N, drawing
 * the measured cosines against the theoretical {@code √(N/(N+D))} in {@code cosine.png}.
 */
@Command(
        name = "gradients",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare each gradient estimator with backprop on one batch, and sweep the ES population.",
            "At the initial weights, on the first --batch training images; the sweep draws the cosine against"
                    + " the theory sqrt(N/(N+D)) in cosine.png."
        })
final class GradientsCommand implements Callable<Integer> {

    /** The ranks of the low-rank (EGGROLL) rows and curves. */
    private static final int[] LOW_RANKS = {1, 4};

    /** Full coordinate-wise differences cost 2 evaluations per parameter: only for small networks. */
    static final long FULL_FD_LIMIT = 20_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "100",
            description = "Size of the batch (the first N training images; default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--population",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "Perturbations (es) or directions (fd) of each estimator in the table (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(
            names = "--sigma",
            paramLabel = "S",
            defaultValue = "0.05",
            description = "es: standard deviation of the perturbations (default: ${DEFAULT-VALUE}).")
    float sigma;

    @Option(
            names = "--step",
            paramLabel = "H",
            defaultValue = "0.001",
            description = "fd: the finite-difference step (default: ${DEFAULT-VALUE}).")
    float step;

    @Option(
            names = "--sweep",
            paramLabel = "N,N,...",
            split = ",",
            defaultValue = "10,30,100,300,1000",
            description = "Populations of the ES sweep drawn in cosine.png (default: ${DEFAULT-VALUE}).")
    int[] sweep;

    @Option(
            names = "--repeats",
            paramLabel = "R",
            defaultValue = "1",
            description = "Independent estimates averaged at each swept N (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        validate();
        try (var scope = run.threads.open()) {
            return compare();
        }
    }

    private int compare() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        DataSplit split = data.load();
        Dataset train = split.train();
        if (batch > train.size()) {
            throw Usage.error("Invalid value for option '--batch': must be at most the " + train.size()
                    + " training images, got " + batch);
        }
        Architecture architecture = model.architecture(train.features(), train.classes());
        Sequential network = architecture.build(run.seed);
        Dataset first = train.slice(0, batch);
        Tensor x = first.imagesTensor();
        int[] labels = first.labels();
        long dimension = architecture.parameterCount();
        Path dir = run.out.create("gradients");

        stdout.print(Text.format(
                "gradlab gradients: %s, D = %d parameters, initial weights (seed %d), batch of %d," + " %s%n%n",
                architecture, dimension, run.seed, batch, Text.count(Parallel.threads(), "thread")));

        // Each row: a label, the estimator and whether √(N/(N+D)) is its expected cosine.
        List<Entry> entries = new ArrayList<>(List.of(
                new Entry("backprop (reference)", new Backprop(), false),
                new Entry(
                        "fd directional N=" + population + " step " + step,
                        FiniteDifferences.directional(population, step, run.seed),
                        true),
                new Entry(
                        "es vanilla N=" + population + " (reference)",
                        es(population, false, false, false, run.seed),
                        false),
                new Entry("es baseline N=" + population, es(population, false, false, true, run.seed), false),
                new Entry(
                        "es antithetic N=" + population + " pairs", es(population, true, false, false, run.seed), true),
                new Entry(
                        "es antithetic + ranks N=" + population + " pairs",
                        es(population, true, true, false, run.seed),
                        true)));
        for (int rank : LOW_RANKS) {
            entries.add(new Entry(
                    "es antithetic low-rank r=" + rank + " N=" + population + " pairs",
                    es(population, true, false, false, run.seed, Perturbation.lowRank(rank)),
                    true));
        }
        if (dimension <= FULL_FD_LIMIT) {
            entries.add(
                    new Entry("fd central, every coordinate, step " + step, FiniteDifferences.central(step), false));
        }
        List<EstimatorComparison.Row> rows = EstimatorComparison.compare(
                network, x, labels, entries.stream().map(Entry::estimator).toList(), 0);
        List<Row> table = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Entry e = entries.get(i);
            table.add(new Row(e.label(), rows.get(i), e.hasTheory() ? theory(population, dimension) : Double.NaN));
        }
        printTable(stdout, table);
        if (dimension > FULL_FD_LIMIT) {
            stdout.print(Text.format(
                    "(fd central over every coordinate skipped: it needs %d loss evaluations;" + " try --hidden 8)%n",
                    2 * dimension));
        }

        double[] populations = Arrays.stream(sweep).asDoubleStream().toArray();
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("es antithetic", new double[sweep.length]);
        curves.put("es antithetic + ranks", new double[sweep.length]);
        curves.put("es vanilla (reference)", new double[sweep.length]);
        for (int rank : LOW_RANKS) {
            curves.put("es antithetic, low-rank r=" + rank, new double[sweep.length]);
        }
        int kinds = curves.size();
        stdout.print(Text.format(
                "%nES sweep (mean cosine over %d estimate%s, sigma %s)%n", repeats, repeats == 1 ? "" : "s", sigma));
        stdout.print(Text.format(
                "%8s  %10s  %12s  %12s  %12s  %12s  %12s%n",
                "N",
                "theory",
                "antithetic",
                "+ ranks",
                "vanilla",
                "low-rank r=" + LOW_RANKS[0],
                "low-rank r=" + LOW_RANKS[1]));
        for (int i = 0; i < sweep.length; i++) {
            int n = sweep[i];
            List<GradientEstimator> variants = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                long seed = run.seed + 1000L * (r + 1);
                variants.add(es(n, true, false, false, seed));
                variants.add(es(n, true, true, false, seed));
                variants.add(es(n, false, false, false, seed));
                for (int rank : LOW_RANKS) {
                    variants.add(es(n, true, false, false, seed, Perturbation.lowRank(rank)));
                }
            }
            List<EstimatorComparison.Row> measured = EstimatorComparison.compare(network, x, labels, variants, 0);
            double[] mean = new double[kinds];
            for (int k = 0; k < measured.size(); k++) {
                mean[k % kinds] += measured.get(k).cosine() / repeats;
            }
            int column = 0;
            for (double[] curve : curves.values()) {
                curve[i] = mean[column++];
            }
            stdout.print(Text.format(
                    "%8d  %10.4f  %12.4f  %12.4f  %12.4f  %12.4f  %12.4f%n",
                    n, theory(n, dimension), mean[0], mean[1], mean[2], mean[3], mean[4]));
            stdout.flush();
        }
        GradientStatsCharts.cosine(
                dir.resolve("cosine.png"),
                "ES cosine to backprop: " + architecture + ", batch " + batch,
                dimension,
                populations,
                curves);
        writeCsv(dir.resolve("gradients.csv"), table, sweep, dimension, curves);
        stdout.printf("%nwrote cosine.png and gradients.csv in %s%n", dir);
        stdout.flush();
        return 0;
    }

    private void validate() {
        Usage.positive("--batch", batch);
        Usage.positive("--population", population);
        Usage.positive("--repeats", repeats);
        Usage.finitePositive("--sigma", sigma);
        Usage.finitePositive("--step", step);
        if (sweep.length < 2) {
            throw Usage.error(
                    "Invalid value for option '--sweep': must list at least 2 populations, got " + sweep.length);
        }
        for (int i = 0; i < sweep.length; i++) {
            Usage.positive("--sweep", sweep[i]);
            if (i > 0 && sweep[i] <= sweep[i - 1]) {
                throw Usage.error("Invalid value for option '--sweep': populations must increase, got " + sweep[i - 1]
                        + " then " + sweep[i]);
            }
        }
    }

    private GradientEstimator es(int n, boolean antithetic, boolean ranks, boolean baseline, long seed) {
        return es(n, antithetic, ranks, baseline, seed, Perturbation.fullRank());
    }

    private GradientEstimator es(
            int n, boolean antithetic, boolean ranks, boolean baseline, long seed, Perturbation perturbation) {
        return EvolutionStrategies.builder()
                .population(n)
                .sigma(sigma)
                .antithetic(antithetic)
                .rankShaping(ranks)
                .baseline(baseline)
                .perturbation(perturbation)
                .seed(seed)
                .build();
    }

    static double theory(int n, long dimension) {
        return EstimatorComparison.theoreticalCosine(n, Math.toIntExact(dimension));
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        out.print(Text.format(
                "%-42s  %8s  %8s  %10s  %11s  %10s%n",
                "estimator", "cosine", "theory", "rel.error", "loss evals", "time"));
        for (Row row : rows) {
            EstimatorComparison.Row c = row.comparison();
            out.print(Text.format(
                    "%-42s  %8.4f  %8s  %10.4g  %11d  %10s%n",
                    row.name(),
                    c.cosine(),
                    Double.isNaN(row.theory()) ? "-" : Text.format("%.4f", row.theory()),
                    c.relativeError(),
                    c.lossEvaluations(),
                    time(c.nanos())));
        }
        out.flush();
    }

    private static String time(long nanos) {
        return nanos < 1_000_000_000L ? Text.format("%.1f ms", nanos / 1e6) : Text.format("%.2f s", nanos / 1e9);
    }

    private static void writeCsv(Path file, List<Row> table, int[] sweep, long dimension, Map<String, double[]> curves)
            throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("estimator,population,cosine,theory,relative_error,loss_evaluations,seconds\n");
            for (Row row : table) {
                EstimatorComparison.Row c = row.comparison();
                w.write(Text.format(
                        "\"%s\",,%.6f,%s,%.6g,%d,%.6f%n",
                        row.name(),
                        c.cosine(),
                        Double.isNaN(row.theory()) ? "" : String.format(Locale.ROOT, "%.6f", row.theory()),
                        c.relativeError(),
                        c.lossEvaluations(),
                        c.nanos() / 1e9));
            }
            for (Map.Entry<String, double[]> curve : curves.entrySet()) {
                for (int i = 0; i < sweep.length; i++) {
                    w.write(Text.format(
                            "\"sweep: %s\",%d,%.6f,%.6f,,,%n",
                            curve.getKey(), sweep[i], curve.getValue()[i], theory(sweep[i], dimension)));
                }
            }
        }
    }

    private record Entry(String label, GradientEstimator estimator, boolean hasTheory) {}

    private record Row(String name, EstimatorComparison.Row comparison, double theory) {}
}

package dev.gradlab.cli;

import dev.gradlab.optim.EpochMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code gradlab compare}: runs {@code gradlab train} once per method, each with its own defaults, on
 * the same data and seed, into one subdirectory per method, then draws every run's test accuracy
 * against training time and against loss evaluations in {@code compare.png}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train with backprop, evolution strategies and the genetic algorithm, each with the defaults"
                + " of 'gradlab train --method NAME', on the same data and seed, and draw test accuracy against"
                + " training time and against loss evaluations in one PNG.",
                "Writes one run directory per method and compare.png into --out, which must be absent or empty."})
final class CompareCommand implements Callable<Integer> {

    static final String CHART = "compare.png";

    @Spec
    CommandSpec spec;

    @Option(names = "--methods", paramLabel = "NAME,...", split = ",", defaultValue = "backprop,es,ga",
            description = "The methods to run, in order (default: ${DEFAULT-VALUE}).")
    List<Method> methods;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs for every method (default: each method's own, as 'gradlab train --help' lists).")
    Integer epochs;

    @Option(names = "--model", paramLabel = "mlp|cnn", description = "The network, as for train (default: mlp).")
    String model;

    @Option(names = "--hidden", paramLabel = "SIZES", description = "Hidden layer sizes, as for train (default: 512).")
    String hidden;

    @Option(names = "--data", paramLabel = "subset|full|mnist|DIR", defaultValue = "subset",
            description = "The data, as for train (default: ${DEFAULT-VALUE}).")
    String data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        Path out = run.out.orDefault("-compare");
        long seed = run.seed;
        if (Files.exists(out) && (!Files.isDirectory(out) || !empty(out))) {
            throw new IllegalArgumentException("Invalid value for option '--out': " + out
                    + " must be absent or an empty directory");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Map<String, List<EpochMetrics>> runs = new LinkedHashMap<>();
        for (Method m : methods) {
            List<String> args = new ArrayList<>(List.of("train", "--method", m.toString(), "--seed",
                    Long.toString(seed), "--data", data, "--out", out.resolve(m.toString()).toString(), "--no-progress"));
            add(args, "--epochs", epochs);
            add(args, "--model", model);
            add(args, "--hidden", hidden);
            add(args, "--threads", run.threads.threads);
            int code = Main.run(stdout, stderr, args.toArray(String[]::new));
            if (code != 0) {
                return code;
            }
            runs.put(m.toString(), MetricsCsv.read(out.resolve(m.toString()).resolve(MetricsCsv.FILE_NAME)));
        }
        GradientStatsCharts.methods(out.resolve(CHART), "gradlab compare (" + data + ", seed " + seed + ")", runs);
        stdout.printf(Locale.ROOT, "%-9s %9s %9s %14s %s%n", "method", "accuracy", "seconds", "loss evals",
                "first reached 70%");
        for (var e : runs.entrySet()) {
            List<EpochMetrics> rows = e.getValue();
            EpochMetrics last = rows.get(rows.size() - 1);
            EpochMetrics first = rows.stream().filter(r -> r.testAccuracy() >= 0.70f).findFirst().orElse(null);
            stdout.printf(Locale.ROOT, "%-9s %8.2f%% %9.1f %14d %s%n", e.getKey(), 100.0 * last.testAccuracy(),
                    last.elapsedNanos() / 1e9, last.lossEvaluations(), first == null ? "never"
                            : String.format(Locale.ROOT, "epoch %d, %.1f s, %d evaluations", first.epoch() + 1,
                            first.elapsedNanos() / 1e9, first.lossEvaluations()));
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

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }
}

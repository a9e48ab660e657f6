package dev.gradlab.cli;

import dev.gradlab.optim.search.SearchStrategies;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.optim.search.TestFunction;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gradlab minimize}: a search strategy on one of BBOB's test functions, by ask and tell. */
@Command(
        name = "minimize",
        mixinStandardHelpOptions = true,
        description = "Minimise a BBOB test function (optimum shifted off the origin, f = 0 there) with a search"
                + " strategy; the last line is 'best f = V after N evaluations'.")
final class MinimizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--function",
            defaultValue = "sphere",
            paramLabel = "NAME",
            description = "sphere, ellipsoid, rastrigin or rosenbrock (default: ${DEFAULT-VALUE}).")
    String function;

    @Option(
            names = "--dim",
            defaultValue = "10",
            paramLabel = "D",
            description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--budget",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Most evaluations to spend; whole generations only (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(
            names = "--strategy",
            defaultValue = "cmaes",
            paramLabel = "NAME",
            description = "es, pgpe, snes or cmaes (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Seed of the function's instance and of the search (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TestFunction f = TestFunction.of(function, dim, seed);
        SearchStrategy search = SearchStrategies.forBox(strategy, dim, seed);
        try (var t = threads.open()) {
            out.print(Text.format(
                    "%s on %s, %d-D, population %d, budget %d, %d threads%n",
                    strategy, function, dim, search.populationSize(), budget, t.threads()));
            long used = search.minimize(f, budget);
            double best = search.bestFitness();
            // Zero is the optimum itself (the optima are float vectors): print it as 0, not 0.00000.
            out.print(Text.format(
                    "best f = %s after %d evaluations%n", best == 0 ? "0" : Text.format("%.6g", best), used));
        }
        out.flush();
        return 0;
    }
}

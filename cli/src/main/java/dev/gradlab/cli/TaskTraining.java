package dev.gradlab.cli;

import dev.gradlab.optim.env.PolicyTask;
import dev.gradlab.optim.search.SearchStrategy;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code gradlab train --task cartpole|swingup --method es|pgpe|snes|ga}: trains the task's policy by
 * the search strategy ({@link PolicyTask}), printing each generation's mean member return, and ends
 * with {@code mean return over 100 fresh episodes: R}. Kept apart from {@link TrainCommand}'s
 * supervised path; the command hands {@code --task}, {@code --method} and {@code --seed} to it.
 */
final class TaskTraining {

    private final String task;
    private final String method;
    private final long seed;
    private final int maxGenerations;

    TaskTraining(String task, String method, long seed, int maxGenerations) {
        this.task = task;
        this.method = method;
        this.seed = seed;
        this.maxGenerations = maxGenerations;
    }

    /** Checks the settings, trains, prints; the exit code. */
    int run(PrintWriter out) {
        PolicyTask policyTask = PolicyTask.named(task);
        SearchStrategy strategy = policyTask.strategy(method, seed);
        out.printf(
                Locale.ROOT,
                "%s by %s: %d parameters, population %d, seed %d%n",
                task,
                method,
                strategy.dimension(),
                strategy.populationSize(),
                seed);
        long start = System.nanoTime();
        policyTask.train(strategy, seed, maxGenerations, (generation, evaluations, meanReturn) -> {
            out.printf(
                    Locale.ROOT,
                    "generation %d  evaluations %d  mean return %.1f  %.1f s%n",
                    generation,
                    evaluations,
                    meanReturn,
                    (System.nanoTime() - start) / 1e9);
            out.flush();
        });
        out.printf(Locale.ROOT, "mean return over 100 fresh episodes: %.1f%n", policyTask.test(strategy, seed));
        out.flush();
        return 0;
    }
}

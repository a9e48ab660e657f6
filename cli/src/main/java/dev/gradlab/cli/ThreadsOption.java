package dev.gradlab.cli;

import dev.gradlab.simd.Parallel;
import picocli.CommandLine.Option;

/** {@code --threads}: the thread scope a command's work runs in. */
final class ThreadsOption {

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads to compute on, at most " + Parallel.MAX_THREADS + " (default: all processors).")
    Integer threads;

    /** The scope to run the command's work in: {@code --threads} (1 to {@link Parallel#MAX_THREADS}), or the current count. */
    Parallel.Threads open() {
        if (threads != null && (threads < 1 || threads > Parallel.MAX_THREADS)) {
            throw Usage.error("Invalid value for option '--threads': must be in [1, " + Parallel.MAX_THREADS + "], got "
                    + threads);
        }
        return Parallel.withThreads(threads != null ? threads : Parallel.threads());
    }
}

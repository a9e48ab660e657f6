package dev.gradlab.cli;

import dev.gradlab.simd.Parallel;
import picocli.CommandLine.Option;

/** {@code --threads}: the thread scope a command's work runs in. */
final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N", description = "Threads to compute on (default: all processors).")
    Integer threads;

    /** The scope to run the command's work in: {@code --threads}, or the current count. */
    Parallel.Threads open() {
        return Usage.option("--threads", () -> Parallel.withThreads(threads != null ? threads : Parallel.threads()));
    }
}

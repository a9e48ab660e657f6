package dev.gradlab.cli;

import dev.gradlab.simd.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --threads}, shared by the commands that compute: the thread scope their work runs in. */
final class ThreadsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "N", description = "Threads to compute on (default: all processors).")
    Integer threads;

    /** The scope to run the command's work in: {@code --threads}, or the current count. */
    Parallel.Threads open() {
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--threads': must be >= 1, got " + threads);
        }
        return Parallel.withThreads(threads != null ? threads : Parallel.threads());
    }
}

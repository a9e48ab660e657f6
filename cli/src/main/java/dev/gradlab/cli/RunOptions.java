package dev.gradlab.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --threads}, {@code --out} and {@code --seed}: how and where a command that computes runs. */
final class RunOptions {

    @Mixin
    ThreadsOption threads;

    @Mixin
    OutputOption out;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Seed of the initial weights, the batch order and the noise (default: ${DEFAULT-VALUE}).")
    long seed;
}

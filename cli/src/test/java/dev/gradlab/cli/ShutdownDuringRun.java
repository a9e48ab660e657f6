package dev.gradlab.cli;

import java.nio.file.Path;

/** A JVM that stops (as on SIGTERM) while a run's directory is open, before its first checkpoint. */
final class ShutdownDuringRun {

    private ShutdownDuringRun() {}

    public static void main(String[] args) throws Exception {
        RunDirectory.open(Path.of(args[0]));
        System.exit(0);
    }
}

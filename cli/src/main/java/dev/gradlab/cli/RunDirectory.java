package dev.gradlab.cli;

import dev.gradlab.core.ShutdownCleanup;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.optim.Checkpoint;
import dev.gradlab.optim.Genome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output directory of one run, never mixing two runs: the run writes into a hidden temporary
 * directory beside the target ({@code .<name>.<random>}), which {@link #commit()} renames to the
 * target at the end. A run that fails, or a JVM stopped by a signal, before its first checkpoint
 * leaves nothing; after it, its directory is moved to the target all the same, marked
 * {@value #INCOMPLETE}, so that {@code gradlab train --resume} can continue it from the last
 * complete epoch. (A JVM killed outright leaves the hidden directory, which resumes just as well.)
 *
 * <p>The target must be absent or empty, or, to replace a previous run, hold only the files a run
 * writes; those are removed at the commit, never anything else.
 */
final class RunDirectory implements AutoCloseable {

    /** What a run writes; the only files {@code --overwrite} removes. */
    static final List<String> RUN_FILES = List.of(MetricsCsv.FILE_NAME, "training.png", ModelFile.FILE_NAME,
            Checkpoint.FILE_NAME, RunDirectory.INCOMPLETE, Genome.FILE_NAME);

    /** The marker of a run that stopped before its last epoch; its checkpoint resumes it. */
    static final String INCOMPLETE = "INCOMPLETE";

    private final Path target;
    private final Path temporary;
    private final Thread onSignal = new Thread(this::settle, "gradlab-run-directory");
    private boolean settled;

    private RunDirectory(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * What stands in the way of writing a run into {@code target}: null if nothing does, else a
     * sentence saying what is there.
     */
    static String obstacle(Path target, boolean overwrite) throws IOException {
        if (!Files.exists(target)) {
            return null;
        }
        if (!Files.isDirectory(target)) {
            return target + " exists and is not a directory";
        }
        List<String> names;
        try (Stream<Path> s = Files.list(target)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (names.isEmpty()) {
            return null;
        }
        if (!overwrite) {
            return target + " is not empty (it holds " + names + "); choose another directory, or give --overwrite"
                    + " to replace the run in it";
        }
        List<String> foreign = names.stream().filter(n -> !RUN_FILES.contains(n)).toList();
        return foreign.isEmpty() ? null : target + " holds files a run does not write (" + foreign
                + "); --overwrite replaces only a previous run's " + RUN_FILES;
    }

    /** Creates the temporary directory beside {@code target}. */
    static RunDirectory open(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        RunDirectory run = new RunDirectory(target, temporary);
        Runtime.getRuntime().addShutdownHook(run.onSignal);
        return run;
    }

    /** Where the run writes its files until the commit. */
    Path path() {
        return temporary;
    }

    /** Where the files are after the commit. */
    Path target() {
        return target;
    }

    /** Replaces the target (absent, empty, or a previous run's files) by the finished run. */
    synchronized void commit() throws IOException {
        moveToTarget();
        settled = true;
    }

    private void moveToTarget() throws IOException {
        if (Files.isDirectory(target)) {
            for (String name : RUN_FILES) {
                Files.deleteIfExists(target.resolve(name));
            }
            Files.delete(target); // fails, keeping everything, if anything else appeared meanwhile
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A run that did not commit: moved to the target marked {@value #INCOMPLETE} when it has a
     * checkpoint to resume from, else removed.
     */
    private synchronized void settle() {
        if (settled) {
            return;
        }
        settled = true;
        try {
            if (Files.exists(temporary.resolve(Checkpoint.FILE_NAME))) {
                Files.writeString(temporary.resolve(INCOMPLETE), "stopped before its last epoch; continue it with"
                        + " gradlab train --resume " + target + "\n");
                moveToTarget();
                return;
            }
        } catch (IOException e) {
            // Keep the hidden directory: it still resumes.
            return;
        }
        ShutdownCleanup.remove(temporary);
    }

    /** Settles a run that did not commit (see {@link #settle}). */
    @Override
    public void close() {
        settle();
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, and finds the run settled.
        }
    }
}

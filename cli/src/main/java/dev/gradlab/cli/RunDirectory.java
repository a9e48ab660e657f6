package dev.gradlab.cli;

import dev.gradlab.core.ShutdownCleanup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output directory of one run, written as a whole or not at all: the run writes into a hidden
 * temporary directory beside the target ({@code .<name>.<random>}), which {@link #commit()} renames
 * to the target at the end. A run that fails, or a JVM stopped by a signal, removes the temporary
 * directory, so the target never holds half a run, nor files of two runs.
 *
 * <p>The target must be absent or empty, or, to replace a previous run, hold only the files a run
 * writes; those are removed at the commit, never anything else.
 */
final class RunDirectory implements AutoCloseable {

    /** What a run writes; the only files {@code --overwrite} removes. */
    static final List<String> RUN_FILES = List.of(MetricsCsv.FILE_NAME, "training.png", WeightsFile.FILE_NAME);

    private final Path target;
    private final Path temporary;
    private boolean committed;

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
        ShutdownCleanup.register(temporary);
        return new RunDirectory(target, temporary);
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
    void commit() throws IOException {
        if (Files.isDirectory(target)) {
            for (String name : RUN_FILES) {
                Files.deleteIfExists(target.resolve(name));
            }
            Files.delete(target); // fails, keeping everything, if anything else appeared meanwhile
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        ShutdownCleanup.release(temporary);
    }

    /** Removes the temporary directory unless the run was committed. */
    @Override
    public void close() {
        if (!committed) {
            ShutdownCleanup.remove(temporary);
        }
    }
}

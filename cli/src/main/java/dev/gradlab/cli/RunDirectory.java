package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.optim.Checkpoint;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.search.SearchStateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The output directory of one run, never mixing two runs: the run writes into a hidden temporary
 * directory beside the target ({@code .<name>.<random>}), which {@link #commit()} renames to the
 * target at the end. A run that fails, or a JVM stopped by a signal, before its first checkpoint
 * leaves nothing; after it, its directory is moved to the target all the same, marked
 * {@value #INCOMPLETE}, so that {@code gradlab train --resume} can continue it from the last
 * complete epoch. A JVM killed outright leaves the hidden directory: the next run on the same
 * target finds it ({@link #sweep}).
 *
 * <p>The target must be absent or empty, or, to replace a previous run, hold only the files a run
 * writes; those are removed at the commit, never anything else. One run at a time writes or
 * resumes a target: it holds the target's {@link Lock} from its checks to its end.
 */
final class RunDirectory implements AutoCloseable {

    /** What a run writes; the only files {@code --overwrite} removes. */
    static final List<String> RUN_FILES = List.of(
            MetricsCsv.FILE_NAME,
            "training.png",
            ModelFile.FILE_NAME,
            Checkpoint.FILE_NAME,
            SearchStateFile.FILE_NAME,
            RunDirectory.INCOMPLETE,
            Genome.FILE_NAME);

    /** The marker of a run that stopped before its last epoch; its checkpoint resumes it. */
    static final String INCOMPLETE = "INCOMPLETE";

    /**
     * The longest part of the target's name kept in the names of its hidden siblings, in UTF-8 bytes:
     * with the dot, a second dot and 20 digits they stay within the 255 bytes file systems allow.
     */
    private static final int NAME_BYTES = 200;

    private final Path target;
    private final Path temporary;
    private final Thread onSignal = new Thread(this::settle, "gradlab-run-directory");
    private boolean settled;
    private volatile Runnable beforeSettle = () -> {};

    private RunDirectory(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * What stands in the way of writing a run into {@code target}: null if nothing does, else a
     * sentence saying what is there.
     */
    static String obstacle(Path target, boolean overwrite) throws IOException {
        if (Files.isSymbolicLink(target)) {
            return target + " is a symbolic link (to " + Files.readSymbolicLink(target)
                    + "); give the directory itself";
        }
        if (!Files.exists(target)) {
            return null;
        }
        if (!Files.isDirectory(target)) {
            return target + " exists and is not a directory";
        }
        List<String> names = list(target);
        if (names.isEmpty()) {
            return null;
        }
        if (!overwrite) {
            return target + " is not empty (it holds " + names + "); "
                    + (names.contains(INCOMPLETE) ? "continue its run with --resume " + target + ", or " : "")
                    + "choose another directory, or give --overwrite to replace the run in it";
        }
        List<String> foreign =
                names.stream().filter(n -> !RUN_FILES.contains(n)).toList();
        return foreign.isEmpty()
                ? null
                : target + " holds files a run does not write (" + foreign
                        + "); --overwrite replaces only a previous run's " + RUN_FILES;
    }

    /** Creates the temporary directory beside {@code target}. */
    static RunDirectory open(Path target) throws IOException {
        Path parent = parent(target);
        Files.createDirectories(parent);
        Path temporary = Files.createTempDirectory(parent, "." + shortName(target) + ".");
        RunDirectory run = new RunDirectory(target, temporary);
        try {
            Runtime.getRuntime().addShutdownHook(run.onSignal);
        } catch (IllegalStateException e) {
            delete(temporary);
            throw new IllegalStateException("the JVM is shutting down: no run starts in " + target, e);
        }
        return run;
    }

    /**
     * The target's lock, held by one run at a time (in this JVM or another): a run that cannot have
     * it fails at once, naming the target. The lock is a hidden file beside the target,
     * {@code .<name>.lock}, removed when released.
     */
    static Lock lock(Path target) throws IOException {
        Path parent = parent(target);
        Files.createDirectories(parent);
        Path file = parent.resolve("." + shortName(target) + ".lock");
        byte[] token = (ProcessHandle.current().pid() + " " + System.nanoTime() + " "
                        + ThreadLocalRandom.current().nextLong() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (true) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = null;
            try {
                held = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Held by another run in this JVM.
            }
            if (held == null) {
                channel.close();
                throw new IllegalStateException(target + " is in use: another run holds it (its lock is " + file
                        + "); wait for that run to end, or choose another directory");
            }
            // A holder removes the file before it releases the lock, so the file opened here may be one it
            // removed: the lock is ours only if the file at the path is still the one locked.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(token), 0);
            if (Arrays.equals(token, readOrNull(file))) {
                Lock lock = new Lock(file, channel);
                try {
                    Runtime.getRuntime().addShutdownHook(lock.atExit);
                } catch (IllegalStateException e) {
                    lock.close();
                    throw new IllegalStateException("the JVM is shutting down: no run starts in " + target, e);
                }
                return lock;
            }
            channel.close();
        }
    }

    private static byte[] readOrNull(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A held {@link #lock}; closing removes the lock file and releases it. A JVM stopped by a signal
     * (Ctrl-C, SIGTERM) removes the file too, after what {@link #releaseAfter} names has finished.
     */
    static final class Lock implements AutoCloseable {

        private final Path file;
        private final FileChannel channel;
        private final Thread atExit = new Thread(this::releaseAtExit, "gradlab-run-lock");
        private volatile Runnable first = () -> {};

        private Lock(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** Runs {@code settle} (a run directory's settling) before the file goes when the JVM stops. */
        void releaseAfter(Runnable settle) {
            first = settle;
        }

        private void releaseAtExit() {
            try {
                first.run();
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // The OS releases the lock with the process; the next run takes the file over.
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                Runtime.getRuntime().removeShutdownHook(atExit);
            } catch (IllegalStateException e) {
                // The JVM is already stopping: the hook removes the file.
            }
            try {
                Files.deleteIfExists(file);
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Deals with what runs killed outright left beside {@code target} (the caller holds its lock, so
     * no live run owns them): a hidden directory without a checkpoint is removed; one with a
     * checkpoint is moved to an absent or empty target marked {@value #INCOMPLETE}, to be resumed,
     * removed when {@code overwrite} replaces the target, and else kept. Returns what it did, one
     * sentence each.
     */
    static List<String> sweep(Path target, boolean overwrite) throws IOException {
        Path parent = parent(target);
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        Pattern leftover = Pattern.compile(Pattern.quote("." + shortName(target) + ".") + "[0-9]+");
        List<Path> found;
        try (Stream<Path> s = Files.list(parent)) {
            found = s.filter(p -> leftover.matcher(p.getFileName().toString()).matches()
                            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted()
                    .toList();
        }
        List<String> said = new ArrayList<>();
        for (Path p : found) {
            if (!Files.exists(p.resolve(Checkpoint.FILE_NAME))) {
                delete(p);
                said.add("removed " + p + ", left by a run killed before its first checkpoint");
            } else if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)
                            && list(target).isEmpty()) {
                markIncomplete(p, target);
                Files.deleteIfExists(target);
                Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                said.add("found " + p + ", a run killed after a checkpoint; moved it to " + target + " marked "
                        + INCOMPLETE + ": continue it with --resume " + target);
            } else if (overwrite) {
                delete(p);
                said.add("removed " + p + ", a run killed after a checkpoint, which --overwrite replaces");
            } else {
                said.add("kept " + p + ", a run killed after a checkpoint: continue it with --resume " + p
                        + ", or remove it");
            }
        }
        return said;
    }

    /**
     * Runs {@code finish} before a run that did not commit is settled, also from the shutdown hook
     * while the run's thread still trains: it waits for the checkpoint of the last finished epoch.
     */
    void beforeSettle(Runnable finish) {
        beforeSettle = finish;
    }

    /** Where the run writes its files until the commit. */
    Path path() {
        return temporary;
    }

    /** Replaces the target (absent, empty, or a previous run's files) by the finished run. */
    synchronized void commit() throws IOException {
        moveToTarget();
        settled = true;
    }

    private void moveToTarget() throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            for (String name : RUN_FILES) {
                Files.deleteIfExists(target.resolve(name));
            }
            Files.delete(target); // fails, keeping everything, if anything else appeared meanwhile
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A run that did not commit: moved to the target marked {@value #INCOMPLETE} when it has a
     * checkpoint to resume from, else removed; nothing once it committed or settled.
     */
    synchronized void settle() {
        if (settled) {
            return;
        }
        settled = true;
        try {
            beforeSettle.run();
        } catch (RuntimeException e) {
            // A checkpoint that could not be written: the one before it is still there, and is settled below.
        }
        try {
            if (Files.exists(temporary.resolve(Checkpoint.FILE_NAME))) {
                markIncomplete(temporary, target);
                moveToTarget();
                return;
            }
            delete(temporary);
        } catch (IOException | UncheckedIOException e) {
            // Keep the hidden directory: the next run on the target finds it.
        }
    }

    private static void markIncomplete(Path dir, Path target) throws IOException {
        Files.writeString(
                dir.resolve(INCOMPLETE),
                "stopped before its last epoch; continue it with" + " gradlab train --resume " + target + "\n");
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

    private static Path parent(Path target) {
        return target.toAbsolutePath().normalize().getParent();
    }

    /** The target's name, cut to at most {@link #NAME_BYTES} bytes of UTF-8 (whole characters). */
    private static String shortName(Path target) {
        byte[] name =
                target.toAbsolutePath().normalize().getFileName().toString().getBytes(StandardCharsets.UTF_8);
        int end = Math.min(name.length, NAME_BYTES);
        while (end < name.length && (name[end] & 0xC0) == 0x80) {
            end--; // a UTF-8 continuation byte: the cut would split a character
        }
        return new String(name, 0, end, StandardCharsets.UTF_8);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Removes {@code dir} and everything in it, without following links. */
    private static void delete(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}

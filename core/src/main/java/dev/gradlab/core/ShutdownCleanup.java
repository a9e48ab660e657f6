package dev.gradlab.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary files and directories that must not outlive an unfinished job: each is removed when its
 * owner calls {@link #remove}, or by a shutdown hook if the JVM stops first (Ctrl-C, a SIGTERM),
 * which the owner's {@code finally} block would not see.
 */
public final class ShutdownCleanup {

    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(() -> PENDING.forEach(ShutdownCleanup::deleteQuietly), "gradlab-cleanup"));
        } catch (IllegalStateException e) {
            // First used while the JVM shuts down (by another shutdown hook): no hook can be added, and
            // none is needed, since whoever registers a path now removes it before the JVM ends.
        }
    }

    private ShutdownCleanup() {}

    /** Registers {@code path} (a file, or a directory of files) for removal if the JVM stops. */
    public static Path register(Path path) {
        PENDING.add(path);
        return path;
    }

    /** Removes {@code path} (and, for a directory, the files in it), quietly, and forgets it. */
    public static void remove(Path path) {
        deleteQuietly(path);
        PENDING.remove(path);
    }

    private static void deleteQuietly(Path path) {
        try {
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(path)) {
                    files = s.toList();
                }
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover temporary file matters less than the failure that left it.
        }
    }
}

package dev.gradlab.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file through a temporary sibling (same directory, so same file system) that is flushed
 * to disk and then renamed over it, so that a crash at any moment leaves the old file or the new
 * one, never a part. Internal (see the package comment).
 */
public final class AtomicFile {

    private AtomicFile() {}

    /** Something that writes a file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to {@code file}, replacing it atomically. An {@link UncheckedIOException}
     * that {@code content} throws is rethrown as its cause; on any failure the temporary file is removed
     * and {@code file} is left as it was.
     */
    public static void write(Path file, Content content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // A unique name, so that two writers of one file never share a temporary; short enough for any name.
        String name = file.getFileName().toString();
        Path temporary = parent.resolve("." + name.substring(0, Math.min(name.length(), 200)) + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        try {
            try (FileChannel channel =
                            FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                try {
                    content.writeTo(out);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(parent);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Flushes the rename to disk; not every platform can open a directory, and there it is skipped. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a directory; the rename stands, its durability is the file system's.
        }
    }
}

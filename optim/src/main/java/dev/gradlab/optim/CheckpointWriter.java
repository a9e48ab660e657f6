package dev.gradlab.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes a run's checkpoints to one file on a background thread, so that the training thread does
 * not wait for the disk (a checkpoint is flushed to disk twice: its data and the rename). The
 * training thread {@link #submit}s a snapshot (a {@link Checkpoint} owns copies of everything) and
 * goes on; the writer writes the newest snapshot it has, each {@link Checkpoint#write atomically}:
 * a snapshot submitted while another is being written replaces any older one still waiting, so
 * the file is always one complete checkpoint, at most the one being written behind the newest.
 * {@link #flush} waits until the newest is on disk; {@link #close} does too and ends the thread.
 * A failed write is thrown by the next {@link #submit}, {@link #flush} or {@link #close}.
 */
final class CheckpointWriter implements AutoCloseable {

    private final Path file;
    private final Thread thread;
    private Checkpoint pending;
    private boolean writing;
    private boolean closed;
    private Throwable failure;

    CheckpointWriter(Path file) {
        this.file = file;
        this.thread = new Thread(this::writeAll, "gradlab-checkpoint");
        // Never keeps a JVM alive: the training thread flushes before its run ends.
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Hands {@code checkpoint} to the writer, replacing a snapshot not yet being written; after
     * {@link #close} it is not written (the file is the last one written before).
     */
    synchronized void submit(Checkpoint checkpoint) {
        rethrow();
        if (!closed) {
            pending = checkpoint;
            notifyAll();
        }
    }

    /** Waits until the newest snapshot submitted is on disk. */
    synchronized void flush() {
        boolean interrupted = false;
        while (pending != null || writing) {
            try {
                wait();
            } catch (InterruptedException e) {
                // The checkpoint is what a resume needs: finish waiting, then keep the interrupt.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    /** Flushes, then ends the thread and takes no more snapshots. */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            synchronized (this) {
                closed = true;
                pending = null;
                notifyAll();
            }
        }
    }

    private void rethrow() {
        if (failure instanceof IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void writeAll() {
        while (true) {
            Checkpoint next;
            synchronized (this) {
                while (pending == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // Only close() ends the writer.
                    }
                }
                if (closed) {
                    return;
                }
                next = pending;
                pending = null;
                writing = true;
            }
            Throwable failed = null;
            try {
                next.write(file);
            } catch (IOException | RuntimeException | Error e) {
                failed = e;
            } finally {
                synchronized (this) {
                    writing = false;
                    if (failed != null && failure == null) {
                        failure = failed;
                    }
                    notifyAll();
                }
            }
        }
    }
}

package dev.gradlab.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * With {@code --verbose}, one line on the error stream per phase of a command, with the time since
 * the JVM started (its own start-up included), since the previous phase, and the process's
 * CPU time so far; silent otherwise. It says where a command's time goes without a profiler.
 */
final class Phases {

    private static final Phases OFF = new Phases(null, 0);

    private final PrintWriter err;
    private final long start;
    private long last;

    private Phases(PrintWriter err, long start) {
        this.err = err;
        this.start = start;
        this.last = start;
    }

    /** A timeline writing to {@code err} when {@code verbose}, else one that prints nothing. */
    static Phases of(boolean verbose, PrintWriter err) {
        if (!verbose) {
            return OFF;
        }
        long now = System.nanoTime();
        // The JVM's start-up is part of what a user waits for. (The process's start time from the kernel
        // counts from a boot time in whole seconds: off by up to a second.)
        long sinceStart = ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        return new Phases(err, now - sinceStart);
    }

    /** Says that {@code phase} ended now. */
    void mark(String phase) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        // The process's CPU time (all threads: JIT compilers and GC too) tells work from waiting on a busy machine.
        long cpu = ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
        err.printf(
                Locale.ROOT,
                "gradlab: %7.3f s %-26s (+%.3f s, cpu %.2f s)%n",
                (now - start) / 1e9,
                phase,
                (now - last) / 1e9,
                cpu / 1e9);
        err.flush();
        last = now;
    }
}

package dev.gradlab.simd;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one thread pool gradlab computes on, sized to the cores the user allows (default: all
 * available processors; {@code -Dgradlab.threads=N}, or for a block of code
 * {@code try (var t = Parallel.withThreads(n)) { ... }}). The calling thread takes part in the work,
 * so a pool of {@code n} threads has {@code n - 1} workers.
 *
 * <p>Built for many short parallel sections in a row (the GEMMs of a training step): a call hands
 * its tasks to the workers through one shared counter, and workers spin briefly before they park,
 * so a call costs about a microsecond when the workers are awake rather than the tens of
 * microseconds of waking a parked executor thread. Calls made from inside a task, or while
 * another thread holds the pool, run inline on the calling thread.
 */
public final class Parallel {

    /** The most threads a pool has: far past any useful count, short of starting threads by the thousand. */
    public static final int MAX_THREADS = 256;

    private static volatile Pool pool =
            new Pool(threadsProperty(System.getProperty("gradlab.threads")), "system property gradlab.threads");

    /** The value of {@code -Dgradlab.threads}, strictly: a malformed value is an error, not the default. */
    static int threadsProperty(String value) {
        if (value == null) {
            return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property gradlab.threads must be an integer >= 1, got '" + value + "'");
        }
    }

    private Parallel() {}

    /** The number of threads parallel work is split across. */
    public static int threads() {
        return pool.threads;
    }

    /**
     * Computes on {@code threads} threads (1 to {@link #MAX_THREADS}) until the returned scope is closed, which
     * restores the previous count. The setting is the process's, not the calling thread's: scopes
     * nest and must close in reverse order of opening, as try-with-resources does.
     */
    public static synchronized Threads withThreads(int threads) {
        Pool previous = pool;
        if (threads != previous.threads) {
            pool = new Pool(threads, "threads");
        }
        return new Threads(previous, pool);
    }

    /** The scope of {@link #withThreads}: closing it puts the previous pool back. */
    public static final class Threads implements AutoCloseable {
        private final Pool previous;
        private final Pool active;
        private boolean closed;

        private Threads(Pool previous, Pool active) {
            this.previous = previous;
            this.active = active;
        }

        /** The thread count of this scope. */
        public int threads() {
            return active.threads;
        }

        @Override
        public void close() {
            synchronized (Parallel.class) {
                if (closed) {
                    return;
                }
                if (pool != active) {
                    throw new IllegalStateException(
                            "thread scopes must close in reverse order of opening: this scope has " + active.threads
                                    + " threads, the innermost open one " + pool.threads);
                }
                closed = true;
                pool = previous;
                if (active != previous) {
                    active.shutdown();
                }
            }
        }
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, tasks)}, spread over the pool,
     * and returns when all are done. With one task or one thread everything runs on the caller.
     * The first exception thrown by a task is rethrown here (checked ones wrapped), after every
     * task has finished.
     */
    public static void forEach(int tasks, IntConsumer task) {
        Pool p = pool;
        if (tasks <= 1 || p.threads == 1 || !p.busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        try {
            p.run(tasks, task);
        } finally {
            p.busy.set(false);
        }
    }

    /** One call's tasks: workers take indices from {@code next} until none are left. */
    private static final class Job {
        final int tasks;
        final IntConsumer task;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(int tasks, IntConsumer task, Thread caller) {
            this.tasks = tasks;
            this.task = task;
            this.caller = caller;
            this.pending = new AtomicInteger(tasks);
        }

        /** Takes and runs task indices until none are left; a late worker finds none. */
        void work() {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    /** The workers and the job they are working on (null between jobs). */
    private static final class Pool {

        /** How long an idle worker, or a caller waiting for the last task, spins before parking. */
        private static final long SPIN_NANOS = 50_000;

        final int threads;
        final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] workers;
        private volatile Job job;
        private volatile boolean stopped;

        Pool(int threads, String name) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new IllegalArgumentException(name + " must be in [1, " + MAX_THREADS + "], got " + threads);
            }
            this.threads = threads;
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void run(int tasks, IntConsumer task) {
            Job j = new Job(tasks, task, Thread.currentThread());
            job = j;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            j.work();
            long start = System.nanoTime();
            while (j.pending.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, SPIN_NANOS);
                }
            }
            job = null; // lets go of the task and what it captured
            Throwable t = j.failure;
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t != null) {
                throw new IllegalStateException("parallel task failed", t);
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final class Worker extends Thread {

        private final Pool pool;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("gradlab-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = pool.job;
            long idleSince = System.nanoTime();
            while (!pool.stopped) {
                Job j = pool.job;
                if (j != seen) {
                    seen = j;
                    if (j != null) {
                        j.work();
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < Pool.SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (pool.job == seen && !pool.stopped) {
                        LockSupport.park(pool);
                    }
                    parked = false;
                }
            }
        }
    }
}

package dev.gradlab.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one thread pool gradlab computes on, sized to the cores the user allows (default: all
 * available processors; {@code -Dgradlab.threads=N} or {@link #setThreads}). Work that is split into
 * a single task runs on the calling thread.
 */
public final class Parallel {

    private static volatile ForkJoinPool pool = newPool(
            Integer.getInteger("gradlab.threads", Runtime.getRuntime().availableProcessors()));

    private Parallel() {
    }

    /** The number of threads parallel work is split across. */
    public static int threads() {
        return pool.getParallelism();
    }

    /** Sets the number of threads; {@code threads >= 1}. The previous pool is shut down. */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (threads != pool.getParallelism()) {
            ForkJoinPool old = pool;
            pool = newPool(threads);
            old.shutdown();
        }
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, tasks)}, spread over the pool,
     * and returns when all are done. With one task or one thread everything runs on the caller.
     * An exception thrown by a task is rethrown here.
     */
    public static void forEach(int tasks, IntConsumer task) {
        ForkJoinPool p = pool;
        if (tasks <= 1 || p.getParallelism() == 1 || ForkJoinTask.inForkJoinPool()) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        ForkJoinTask<?>[] running = new ForkJoinTask<?>[tasks - 1];
        for (int i = 1; i < tasks; i++) {
            int index = i;
            running[i - 1] = p.submit(() -> task.accept(index));
        }
        task.accept(0);
        for (ForkJoinTask<?> t : running) {
            t.join();
        }
    }

    private static ForkJoinPool newPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("gradlab.threads must be >= 1, got " + threads);
        }
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("gradlab-" + t.getPoolIndex());
            return t;
        }, null, false);
    }
}

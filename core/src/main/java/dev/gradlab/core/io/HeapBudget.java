package dev.gradlab.core.io;

/**
 * Checks, before a large allocation, that the JVM's heap can hold it, so that an oversized request
 * (a huge layer, a file whose header claims gigabytes) fails at once with a message saying what
 * needed how much, instead of with an {@link OutOfMemoryError} deep inside the allocation.
 */
public final class HeapBudget {

    private static final long MB = 1L << 20;

    private HeapBudget() {}

    /** The bytes the heap can still grow by: the maximum heap less what is in use now. */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Throws {@link HeapLimitException} if {@code bytes} exceed what the heap can still hold.
     *
     * @param what names the allocation in the message, e.g. "the network 784-1000000-10"
     */
    public static void require(long bytes, String what) {
        long available = available();
        if (bytes < 0 || bytes > available) {
            throw new HeapLimitException(what + " needs " + (bytes < 0 ? "more than 8 EB" : bytes / MB + " MB")
                    + " of heap, more than the " + Math.max(0, available / MB) + " MB the JVM can still allocate"
                    + " (maximum heap " + Runtime.getRuntime().maxMemory() / MB + " MB; raise it with -Xmx)");
        }
    }

    /** An allocation was refused because the heap cannot hold it. */
    public static final class HeapLimitException extends RuntimeException {
        HeapLimitException(String message) {
            super(message);
        }
    }
}

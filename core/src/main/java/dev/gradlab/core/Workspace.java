package dev.gradlab.core;

import java.util.Arrays;

/**
 * A scope whose op outputs and intermediate gradients borrow storage that is reused after it
 * closes, so that a training step repeated with the same shapes allocates no arrays:
 *
 * <pre>{@code
 * try (var ws = Workspace.open()) {
 *     Tensor loss = Losses.crossEntropy(model.forward(x), labels);
 *     loss.backward();                 // parameter gradients are ordinary tensors and outlive the scope
 *     total += loss.item();            // read what you keep before the scope closes
 * }
 * }</pre>
 *
 * <p>Every tensor made by a {@link Function} (through {@link Function#newTensor} and the like) inside
 * the scope is lent by this thread's pool and is released when the scope closes: afterwards its
 * {@code data()} throws. Tensors made with the {@link Tensor} factories, and parameter gradients, are never lent.
 * Pools are per thread and keep their arrays for the next scope; scopes nest and must close
 * innermost first, on the thread that opened them.
 */
public final class Workspace implements AutoCloseable {

    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    private final Pool pool;
    private final int mark;
    private final int depth;
    private boolean closed;

    private Workspace(Pool pool) {
        this.pool = pool;
        this.mark = pool.lentCount;
        this.depth = ++pool.depth;
    }

    /** Opens a scope on this thread. */
    public static Workspace open() {
        return new Workspace(POOL.get());
    }

    /** True when a workspace scope is open on this thread. */
    public static boolean isOpen() {
        return POOL.get().depth > 0;
    }

    /** Floats held by this thread's pool, lent or free: how much memory workspaces keep. */
    public static long pooledFloats() {
        return POOL.get().pooledFloats;
    }

    /** Drops this thread's free arrays (those not lent to an open scope). */
    public static void trim() {
        Pool p = POOL.get();
        for (int b = 0; b < p.buckets; b++) {
            for (int k = 0; k < p.freeCount[b]; k++) {
                p.pooledFloats -= p.sizes[b];
                p.free[b][k] = null;
            }
            p.freeCount[b] = 0;
        }
    }

    /** Releases every tensor lent since this scope opened and returns their storage to the pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (POOL.get() != pool) {
            throw new IllegalStateException("a workspace must be closed on the thread that opened it");
        }
        if (pool.depth != depth) {
            throw new IllegalStateException("workspaces must close innermost first: this one is at depth " + depth
                    + ", the innermost open one at " + pool.depth);
        }
        closed = true;
        pool.releaseTo(mark);
        pool.depth--;
    }

    /**
     * A zero-filled tensor lent by this thread's open scope (released when it closes), or a new one
     * when no scope is open: for code outside a {@link Function} that makes intermediate tensors,
     * such as a module's population path.
     */
    public static Tensor tensor(int... shape) {
        return allocate(shape.clone(), true);
    }

    /** As {@link #tensor}, without zeroing lent storage: for outputs that are overwritten whole. */
    public static Tensor uninitialized(int... shape) {
        return allocate(shape.clone(), false);
    }

    /** A tensor whose contents are zero when {@code zero}, else unspecified (the caller overwrites). */
    static Tensor allocate(int[] shape, boolean zero) {
        int size = Tensor.checkedSize(shape);
        Pool p = POOL.get();
        Tensor t = p.depth == 0 ? new Tensor(new float[size], shape) : p.lend(size, shape, zero);
        t.madeInBackwardOf = Tape.backwardAllocating();
        return t;
    }

    /** Free arrays by length (few distinct lengths, so a linear scan) and the tensors lent out. */
    private static final class Pool {
        int depth;
        long pooledFloats;
        int buckets;
        int[] sizes = new int[8];
        float[][][] free = new float[8][][];
        int[] freeCount = new int[8];
        Tensor[] lent = new Tensor[32];
        int lentCount;

        Tensor lend(int size, int[] shape, boolean zero) {
            int b = bucket(size);
            float[] array;
            if (freeCount[b] > 0) {
                array = free[b][--freeCount[b]];
                free[b][freeCount[b]] = null;
                if (zero) {
                    Arrays.fill(array, 0f);
                }
            } else {
                array = new float[size];
                pooledFloats += size;
            }
            Tensor t = new Tensor(array, shape);
            if (lentCount == lent.length) {
                lent = Arrays.copyOf(lent, lentCount * 2);
            }
            lent[lentCount++] = t;
            return t;
        }

        void releaseTo(int mark) {
            while (lentCount > mark) {
                Tensor t = lent[--lentCount];
                lent[lentCount] = null;
                t.released = true;
                int b = bucket(t.data.length);
                if (freeCount[b] == free[b].length) {
                    free[b] = Arrays.copyOf(free[b], freeCount[b] * 2);
                }
                free[b][freeCount[b]++] = t.data;
            }
        }

        private int bucket(int size) {
            for (int b = 0; b < buckets; b++) {
                if (sizes[b] == size) {
                    return b;
                }
            }
            if (buckets == sizes.length) {
                sizes = Arrays.copyOf(sizes, buckets * 2);
                free = Arrays.copyOf(free, buckets * 2);
                freeCount = Arrays.copyOf(freeCount, buckets * 2);
            }
            sizes[buckets] = size;
            free[buckets] = new float[4][];
            freeCount[buckets] = 0;
            return buckets++;
        }
    }
}

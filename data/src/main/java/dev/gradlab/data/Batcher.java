package dev.gradlab.data;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Splits a data set into mini-batches, in order (as the reference experiment does) or in a shuffled
 * order that depends only on the seed and the epoch number, so a run can be repeated or resumed at
 * any epoch. Batches are copied into one reused buffer per batch size (the full size and, unless
 * dropped, the smaller last batch); nothing is allocated per batch. One epoch at a time: a
 * {@link Batch}'s inputs and labels are valid until the next batch is taken from the same batcher.
 */
public final class Batcher {

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int[] order;
    private final Batch full;
    private final Batch last;

    public Batcher(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (dataset == null) {
            throw new IllegalArgumentException("dataset must not be null");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, actual " + batchSize);
        }
        if (dropLast && batchSize > dataset.size()) {
            throw new IllegalArgumentException("batchSize must be at most the data set's size " + dataset.size()
                    + " when dropping the last partial batch, actual " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.order = new int[dataset.size()];
        int fullBatches = dataset.size() / batchSize;
        int remainder = dataset.size() % batchSize;
        this.full = fullBatches > 0 ? buffer(batchSize, dataset.features()) : null;
        this.last = remainder > 0 && !dropLast ? buffer(remainder, dataset.features()) : null;
    }

    private static Batch buffer(int rows, int features) {
        return Batch.of(Tensor.zeros(rows, features), new int[rows]);
    }

    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * The batches of epoch {@code epoch} (0-based). Each iteration refills the batcher's buffers, so
     * a batch is valid until the next one is taken.
     */
    public Iterable<Batch> epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, actual " + epoch);
        }
        return () -> new EpochIterator(epoch);
    }

    /** The example indices of epoch {@code epoch} in the order they are batched. */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, actual " + epoch);
        }
        int[] result = new int[dataset.size()];
        fillOrder(epoch, result);
        return result;
    }

    private void fillOrder(int epoch, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        if (!shuffle) {
            return;
        }
        // Mixing seed and epoch (rather than advancing one generator) makes every epoch's order independent of the
        // others.
        SplittableRandom random = new SplittableRandom(mix(seed) ^ mix(0x9E3779B97F4A7C15L * (epoch + 1L)));
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class EpochIterator implements Iterator<Batch> {

        private final int batches = batchesPerEpoch();
        private int next;

        EpochIterator(int epoch) {
            fillOrder(epoch, order);
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch has " + batches + " batches, all taken");
            }
            int start = next * batchSize;
            int size = Math.min(batchSize, order.length - start);
            Batch batch = size == batchSize ? full : last;
            float[] src = dataset.images();
            int[] labels = dataset.labels();
            float[] dst = batch.inputs().data();
            int[] dstLabels = batch.labels();
            int features = dataset.features();
            for (int r = 0; r < size; r++) {
                int row = order[start + r];
                System.arraycopy(src, row * features, dst, r * features, features);
                dstLabels[r] = labels[row];
            }
            next++;
            return batch;
        }
    }
}

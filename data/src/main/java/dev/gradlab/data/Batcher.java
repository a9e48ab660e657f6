package dev.gradlab.data;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits a data set into mini-batches, in order (as the reference experiment does) or in a shuffled
 * order that depends only on the seed and the epoch number, so a run can be repeated or resumed at
 * any epoch. The shuffled order of 0-based epoch {@code e} is PyTorch's
 * {@code torch.randperm(n, generator=torch.Generator().manual_seed(seed + e + 1))}, element for
 * element, so a run and its PyTorch twin (the same seed, the same initial weights) see the same
 * batches. Batches are copied into one reused buffer per batch size (the full size and, unless
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
        // PyTorch's randperm on the CPU: a forward Fisher-Yates pass drawing 32-bit values from the
        // seeded Mersenne Twister, reduced modulo the remaining count.
        TorchGenerator random = new TorchGenerator(seed + epoch + 1L);
        int n = out.length;
        for (int i = 0; i < n - 1; i++) {
            int j = i + (int) (Integer.toUnsignedLong(random.nextInt()) % (n - i));
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
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

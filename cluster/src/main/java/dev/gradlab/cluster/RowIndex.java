package dev.gradlab.cluster;

import dev.gradlab.core.Batch;
import dev.gradlab.data.Dataset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds a batch's rows in the data set they were taken from, so that only their indices travel:
 * any batch of the data set's rows works (a training loop's, shuffled or not, or a user's own).
 * Rows are looked up by a hash of their pixels and label and then compared in full; of equal rows
 * (the same image and label twice) any one does, since the worker's batch is then the same.
 */
final class RowIndex {

    private final Dataset data;
    private final Map<Long, Integer> first = new HashMap<>();
    /** The next index with the same hash, or -1. */
    private final int[] next;

    private int[] rows = new int[0];

    RowIndex(Dataset data) {
        this.data = data;
        this.next = new int[data.size()];
        Arrays.fill(next, -1);
        for (int i = data.size() - 1; i >= 0; i--) {
            Integer previous =
                    first.put(hash(data.images(), i * data.features(), data.features(), data.labels()[i]), i);
            next[i] = previous == null ? -1 : previous;
        }
    }

    /** The index of every row of {@code batch} in the data set, in a reused array. */
    int[] rows(Batch batch) {
        int f = data.features();
        if (batch.inputs().dim(1) != f || batch.labels() == null) {
            throw new IllegalArgumentException("batch must be rows of " + f + " features with labels (the data set's),"
                    + " got shape " + Arrays.toString(batch.inputs().shape())
                    + (batch.labels() == null ? " without labels" : ""));
        }
        int n = batch.rows();
        rows = rows.length == n ? rows : new int[n];
        float[] x = batch.inputs().data();
        for (int r = 0; r < n; r++) {
            int label = batch.labels()[r];
            Integer candidate = first.get(hash(x, r * f, f, label));
            int i = candidate == null ? -1 : candidate;
            while (i >= 0
                    && !(data.labels()[i] == label
                            && Arrays.equals(data.images(), i * f, (i + 1) * f, x, r * f, (r + 1) * f))) {
                i = next[i];
            }
            if (i < 0) {
                throw new IllegalArgumentException("batch row " + r + " (label " + label + ") is not a row of the"
                        + " cluster's data set (" + data.size() + " examples): workers can only rebuild its rows");
            }
            rows[r] = i;
        }
        return rows;
    }

    private static long hash(float[] x, int from, int n, int label) {
        long h = 0x9E3779B97F4A7C15L * (label + 1);
        for (int i = from; i < from + n; i++) {
            h = (h ^ Float.floatToIntBits(x[i])) * 0x100000001B3L;
        }
        return h ^ (h >>> 29);
    }
}

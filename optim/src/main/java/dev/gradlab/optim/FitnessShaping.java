package dev.gradlab.optim;

/**
 * Centered-rank fitness shaping, as in OpenAI's evolution-strategies-starter: each value is
 * replaced by its rank among all values, scaled to {@code [-0.5, 0.5]} ({@code rank / (M − 1) − 0.5}).
 * The estimate becomes invariant to monotone transformations of the loss and insensitive to
 * outliers. Ties are ranked by index, so the result is deterministic.
 */
final class FitnessShaping {

    private FitnessShaping() {
    }

    /** Replaces {@code values[0 .. m)} by their centered ranks. */
    static void centeredRanks(float[] values, int m) {
        if (m == 1) {
            values[0] = 0f;
            return;
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        float[] copy = java.util.Arrays.copyOf(values, m);
        // A stable sort on the values (NaN last) keeps equal values in index order.
        java.util.Arrays.sort(order, (a, b) -> Float.compare(copy[a], copy[b]));
        for (int rank = 0; rank < m; rank++) {
            values[order[rank]] = (float) rank / (m - 1) - 0.5f;
        }
    }
}

package dev.gradlab.optim;

import java.util.Arrays;

/**
 * Centered-rank fitness shaping, as in OpenAI's evolution-strategies-starter: each value is
 * replaced by its rank among all values, scaled to {@code [-0.5, 0.5]} ({@code rank / (M − 1) − 0.5}).
 * The estimate becomes invariant to monotone transformations of the loss and insensitive to
 * outliers. Equal values share the mean of their ranks (evosax's rule, scipy's
 * {@code rankdata(method="average")}), so a flat or tied fitness carries no direction: ranking ties
 * by index would turn the members' order into a random step. NaN ranks above every number.
 */
final class FitnessShaping {

    private FitnessShaping() {}

    /** Replaces {@code values[0 .. m)} by their centered ranks. */
    static void centeredRanks(float[] values, int m) {
        if (m == 1) {
            values[0] = 0f;
            return;
        }
        // Each value's sortable bits above its index: one primitive sort orders the values (NaN last).
        long[] order = new long[m];
        for (int i = 0; i < m; i++) {
            int bits = Float.floatToIntBits(values[i]);
            order[i] = (long) (bits ^ ((bits >> 31) & 0x7FFFFFFF)) << 32 | i;
        }
        Arrays.sort(order);
        for (int start = 0; start < m; ) {
            float v = values[(int) order[start]];
            int end = start + 1;
            while (end < m && same(values[(int) order[end]], v)) {
                end++;
            }
            // The mean of ranks start .. end − 1; exact in float, and exactly 0.5 · (M − 1) when all tie.
            float centered = (start + end - 1) * 0.5f / (m - 1) - 0.5f;
            for (int k = start; k < end; k++) {
                values[(int) order[k]] = centered;
            }
            start = end;
        }
    }

    /** Equal as numbers (so −0 ties with 0), or both NaN. */
    private static boolean same(float a, float b) {
        return a == b || (a != a && b != b);
    }
}

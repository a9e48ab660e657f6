package dev.gradlab.optim.search;

import java.util.Arrays;

/**
 * Fitness shaping by rank, for minimisation, the one ranking of every evolution strategy in gradlab
 * (the {@code Trainer}'s ES estimator and the search strategies): members are ordered from the lowest
 * fitness (best) to the highest, and every NaN or infinite fitness is ranked after all finite ones
 * (worst) and equal to the other non-finite ones. Members with equal fitness ({@code −0.0} equal to
 * {@code 0.0}) share the mean of the values their ranks would get (evosax's rule, scipy's
 * {@code rankdata(method="average")}), so the result does not depend on the order in which members
 * were evaluated and a flat fitness carries no direction.
 */
public final class Ranks {

    private Ranks() {}

    /**
     * Centered ranks (OpenAI-ES's rule) in float, as ES weighs its directions: the members whose
     * ranks span {@code [s, e)} (0 = best) get {@code (s + e − 1)/2 / (n − 1) − 0.5}, so values lie in
     * {@code [−0.5, 0.5]}, the best gets the lowest and they sum to 0. One member gets 0.
     */
    public static void centered(double[] fitness, int n, float[] out) {
        check(fitness, n, out.length, out.length);
        double[] sorted = sortedKeys(fitness, n);
        for (int m = 0; m < n; m++) {
            double key = key(fitness[m]);
            int start = count(sorted, n, key, false);
            int end = count(sorted, n, key, true);
            // The mean rank is a multiple of 0.5: exact in float, and 0 when all tie.
            out[m] = n == 1 ? 0f : (start + end - 1) * 0.5f / (n - 1) - 0.5f;
        }
    }

    /** {@link #centered(double[], int, float[])} in double: rank {@code r} gets {@code r / (n − 1) − 0.5}. */
    public static void centered(double[] fitness, int n, double[] out) {
        double[] byRank = new double[n];
        for (int r = 0; r < n; r++) {
            byRank[r] = n == 1 ? 0 : (double) r / (n - 1) - 0.5;
        }
        assign(fitness, n, byRank, out);
    }

    /**
     * {@code out[m] = byRank[rank of m]}, with rank 0 the lowest fitness; members of a tie group
     * share the mean of {@code byRank} over the ranks the group spans.
     */
    public static void assign(double[] fitness, int n, double[] byRank, double[] out) {
        check(fitness, n, byRank.length, out.length);
        double[] sorted = sortedKeys(fitness, n);
        for (int m = 0; m < n; m++) {
            double key = key(fitness[m]);
            int start = count(sorted, n, key, false);
            int end = count(sorted, n, key, true);
            double sum = 0;
            for (int r = start; r < end; r++) {
                sum += byRank[r];
            }
            out[m] = end - start == 1 ? byRank[start] : sum / (end - start);
        }
    }

    private static void check(double[] fitness, int n, int byRank, int out) {
        if (fitness.length < n || byRank < n || out < n) {
            throw new IllegalArgumentException("fitness, byRank and out need " + n + " entries, got " + fitness.length
                    + ", " + byRank + " and " + out);
        }
    }

    /** What orders a fitness: every non-finite value becomes +∞ (worst, all equal), and −0 becomes 0. */
    private static double key(double f) {
        return Double.isFinite(f) ? f + 0.0 : Double.POSITIVE_INFINITY;
    }

    private static double[] sortedKeys(double[] fitness, int n) {
        double[] sorted = new double[n];
        for (int m = 0; m < n; m++) {
            sorted[m] = key(fitness[m]);
        }
        Arrays.sort(sorted);
        return sorted;
    }

    /** The number of keys below {@code key}, or at most {@code key}: where its tie group starts, or ends. */
    private static int count(double[] sorted, int n, double key, boolean orEqual) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key || (orEqual && sorted[mid] == key)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

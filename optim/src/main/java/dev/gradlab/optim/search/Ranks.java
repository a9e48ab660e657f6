package dev.gradlab.optim.search;

import java.util.Arrays;

/**
 * Fitness shaping by rank, for minimisation: members are ordered from the lowest fitness (best) to
 * the highest, and every NaN or infinite fitness is ranked after all finite ones (worst). Members
 * with equal fitness share the mean of the values their ranks would get, so the result does not
 * depend on the order in which members were evaluated. Non-finite values are all equal to each other.
 */
public final class Ranks {

    private Ranks() {}

    /**
     * Centered ranks (evosax's and OpenAI-ES's rule): the member at rank {@code r} (0 = best) gets
     * {@code r / (n − 1) − 0.5}, ties averaged, so values lie in {@code [−0.5, 0.5]}, the best gets the
     * lowest and they sum to 0. One member gets 0.
     */
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
        if (fitness.length < n || byRank.length < n || out.length < n) {
            throw new IllegalArgumentException("fitness, byRank and out need " + n + " entries, got " + fitness.length
                    + ", " + byRank.length + " and " + out.length);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> compare(fitness[a], fitness[b]));
        int start = 0;
        while (start < n) {
            int end = start + 1;
            while (end < n && compare(fitness[order[start]], fitness[order[end]]) == 0) {
                end++;
            }
            double sum = 0;
            for (int r = start; r < end; r++) {
                sum += byRank[r];
            }
            double mean = end - start == 1 ? byRank[start] : sum / (end - start);
            for (int r = start; r < end; r++) {
                out[order[r]] = mean;
            }
            start = end;
        }
    }

    /** Lower is better; every non-finite value is worse than every finite one and equal to the others. */
    static int compare(double a, double b) {
        boolean fa = Double.isFinite(a);
        boolean fb = Double.isFinite(b);
        if (fa && fb) {
            return Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b);
        }
        return fa ? -1 : fb ? 1 : 0;
    }
}

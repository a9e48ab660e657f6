package dev.gradlab.optim.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class RanksTest {

    @Test
    void centeredRanksPutTheLowestFitnessAtMinusOneHalf() {
        double[] out = new double[5];
        Ranks.centered(new double[] {3, -1, 7, 0.5, 2}, 5, out);
        assertArrayEquals(new double[] {0.25, -0.5, 0.5, -0.25, 0}, out);
    }

    @Test
    void tiesShareTheMeanOfTheirRanks() {
        double[] out = new double[5];
        // 0 and −0.0 share ranks 0 and 1 (0.5/4 − 0.5), the two 1s ranks 2 and 3 (2.5/4 − 0.5).
        Ranks.centered(new double[] {1, 0, 1, -0.0, 5}, 5, out);
        assertArrayEquals(new double[] {0.125, -0.375, 0.125, -0.375, 0.5}, out);
        Ranks.centered(new double[] {4, 4, 4}, 3, out);
        assertArrayEquals(new double[] {0, 0, 0}, java.util.Arrays.copyOf(out, 3));
    }

    @Test
    void nonFiniteValuesAreWorstAndTiedWithEachOther() {
        double[] out = new double[5];
        Ranks.centered(new double[] {Double.NaN, 2, Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY}, 5, out);
        // Three failures share ranks 2, 3 and 4.
        assertArrayEquals(new double[] {0.25, -0.25, 0.25, -0.5, 0.25}, out);
    }

    @Test
    void assignAveragesArbitraryRankValuesOverTies() {
        double[] out = new double[4];
        Ranks.assign(new double[] {2, 1, 2, 0}, 4, new double[] {10, 6, 2, 0}, out);
        assertArrayEquals(new double[] {1, 6, 1, 10}, out);
    }

    @Test
    void oneMemberGetsZero() {
        double[] out = new double[1];
        Ranks.centered(new double[] {9}, 1, out);
        assertArrayEquals(new double[] {0}, out);
    }

    @Test
    void centeredRanksInFloatAsEsUsesThem() {
        float[] out = new float[5];
        Ranks.centered(new double[] {3, -1, 10, 0.5, 7}, 5, out);
        assertArrayEquals(new float[] {0f, -0.5f, 0.5f, -0.25f, 0.25f}, out);
        // Only the first n are ranked and written; a flat fitness is 0 everywhere.
        out = new float[] {9f, 9f, 9f, 99f};
        Ranks.centered(new double[] {4, 4, 4, 1}, 3, out);
        assertArrayEquals(new float[] {0f, 0f, 0f, 99f}, out);
    }

    @Test
    void floatTiesAmongOthersSignedZerosAndEveryKindOfFailure() {
        // Sorted: -1 | 0, -0, 0 | 5, 5 | NaN, +inf, -inf: ranks 0 | 2, 2, 2 | 4.5, 4.5 | 7, 7, 7 of 9.
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        float[] out = new float[9];
        Ranks.centered(new double[] {5, 0, nan, -0.0, -1, 5, 0, inf, -inf}, 9, out);
        float[] ranks = {4.5f, 2f, 7f, 2f, 0f, 4.5f, 2f, 7f, 7f};
        float[] expected = new float[9];
        for (int i = 0; i < 9; i++) {
            expected[i] = ranks[i] * 0.5f * 2 / 8 - 0.5f;
        }
        assertArrayEquals(expected, out);
    }
}

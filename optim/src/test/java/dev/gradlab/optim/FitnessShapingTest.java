package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class FitnessShapingTest {

    @Test
    void centeredRanksSpanMinusHalfToHalf() {
        float[] v = {3f, -1f, 10f, 0.5f, 7f};
        FitnessShaping.centeredRanks(v, 5);
        assertArrayEquals(new float[] {0f, -0.5f, 0.5f, -0.25f, 0.25f}, v);
    }

    @Test
    void tiesShareTheirMeanRankAndOnlyThePrefixIsTouched() {
        // Ranks 0, (1 + 2) / 2, (1 + 2) / 2 of 2, as scipy.stats.rankdata(method="average") − 1.
        float[] v = {2f, 2f, 1f, 99f};
        FitnessShaping.centeredRanks(v, 3);
        assertArrayEquals(new float[] {0.25f, 0.25f, -0.5f, 99f}, v);
    }

    @Test
    void aFlatFitnessIsZeroEverywhere() {
        float[] v = {4f, 4f, 4f, 4f, 4f, 4f};
        FitnessShaping.centeredRanks(v, 6);
        assertArrayEquals(new float[6], v);
    }

    @Test
    void tiesAmongOthersAndSignedZerosAndNaNs() {
        // Sorted: -1 | 0, -0, 0 | 5, 5 | NaN, NaN: ranks 0 | 2, 2, 2 | 4.5, 4.5 | 6.5, 6.5 of 7.
        float[] v = {5f, 0f, Float.NaN, -0f, -1f, 5f, 0f, Float.NaN};
        FitnessShaping.centeredRanks(v, 8);
        float[] expected = new float[8];
        float[] ranks = {4.5f, 2f, 6.5f, 2f, 0f, 4.5f, 2f, 6.5f};
        for (int i = 0; i < 8; i++) {
            expected[i] = ranks[i] / 7 - 0.5f;
        }
        assertArrayEquals(expected, v);
    }
}

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
    void tiesAreRankedByIndexAndOnlyThePrefixIsTouched() {
        float[] v = {2f, 2f, 1f, 99f};
        FitnessShaping.centeredRanks(v, 3);
        assertArrayEquals(new float[] {0f, 0.5f, -0.5f, 99f}, v);
    }
}

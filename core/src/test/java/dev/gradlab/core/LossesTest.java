package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossesTest {

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabel() {
        float[] logits = {1f, 2f, 0.5f, -1f, 0f, 3f};
        int[] labels = {1, 0};
        double expected = 0;
        for (int r = 0; r < 2; r++) {
            double norm = 0;
            for (int c = 0; c < 3; c++) {
                norm += Math.exp(logits[r * 3 + c]);
            }
            expected -= (logits[r * 3 + labels[r]] - Math.log(norm)) / 2;
        }
        assertEquals(
                expected, Losses.crossEntropy(Tensor.of(logits, 2, 3), labels).item(), 1e-6);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor logits = Tensor.of(new float[] {1e4f, -1e4f, 0f, 1e4f}, 2, 2).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(logits, new int[] {0, 0});
        assertEquals(5000f, loss.item(), 1e-2); // (0 + 1e4) / 2
        loss.backward();
        for (float g : logits.grad().data()) {
            assertTrue(Float.isFinite(g));
        }
        assertEquals(-0.5f, logits.grad().data()[2], 1e-6);
    }

    @Test
    void badLabelsAreNamed() {
        Tensor logits = Tensor.zeros(2, 3);
        var range = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 3}));
        assertTrue(
                range.getMessage().contains("labels[1] (the label of row 1)")
                        && range.getMessage().contains("[0, 3)"),
                range.getMessage());
        var count = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0}));
        assertTrue(count.getMessage().contains("(2)") && count.getMessage().contains("got 1"), count.getMessage());
    }

    @Test
    void mseIsTheMeanSquaredDifference() {
        Tensor p = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2).requiresGrad(true);
        Tensor t = Tensor.of(new float[] {0f, 2f, 5f, 3f}, 2, 2);
        Tensor loss = Losses.mse(p, t);
        assertEquals((1 + 0 + 4 + 1) / 4f, loss.item(), 1e-7);
        loss.backward();
        assertEquals(2 * 1 / 4f, p.grad().data()[0], 1e-7);
        assertEquals(2 * -2 / 4f, p.grad().data()[2], 1e-7);
    }

    @Test
    void logSoftmaxRowsSumToOneInProbability() {
        Tensor y = Tensor.of(new float[] {1f, 2f, 3f, 50f, 0f, -50f}, 2, 3).logSoftmax();
        for (int r = 0; r < 2; r++) {
            double total = 0;
            for (int c = 0; c < 3; c++) {
                total += Math.exp(y.data()[r * 3 + c]);
            }
            assertEquals(1, total, 1e-6);
        }
    }
}

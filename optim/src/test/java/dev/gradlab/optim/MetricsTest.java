package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Objective;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {

    /** 1500 rows: two slices of the evaluation, the second a partial one. */
    private static Dataset data() {
        SplittableRandom random = new SplittableRandom(3);
        int rows = 1500;
        float[] images = new float[rows * 4];
        int[] labels = new int[rows];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble(-1, 1);
        }
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(3);
        }
        return new Dataset(images, labels, 4, 3);
    }

    @Test
    void evaluateGivesTheLossAndTheAccuracyOfTheSeparateCalls() {
        Linear model = new Linear(4, 3, true, 5);
        Dataset d = data();
        Metrics.Evaluation e = Metrics.evaluate(model, Objective.crossEntropy(), d);
        assertEquals(Metrics.loss(model, Objective.crossEntropy(), d), e.loss());
        assertEquals(Metrics.accuracy(model, d), e.accuracy());
        assertTrue(Float.isNaN(Metrics.evaluate(model, null, d).loss()));
    }

    /** A test pass runs in evaluation mode (dropout off), as PyTorch's model.eval(), and leaves the mode as it was. */
    @Test
    void evaluationRunsInEvalModeAndRestoresTheMode() {
        Dataset d = data();
        Linear linear = new Linear(4, 3, true, 5);
        Sequential withDropout = new Sequential(new Dropout(0.5f, 7), linear);
        Metrics.Evaluation plain = Metrics.evaluate(linear, Objective.crossEntropy(), d);
        Metrics.Evaluation e = Metrics.evaluate(withDropout, Objective.crossEntropy(), d);
        assertEquals(plain.loss(), e.loss());
        assertEquals(plain.accuracy(), e.accuracy());
        assertTrue(withDropout.isTraining());
        assertTrue(withDropout.layers().get(0).isTraining());
    }

    @Test
    void accuracyAndLossMatchAComputationByHand() {
        Linear model = new Linear(4, 3, true, 5);
        Dataset d = data();
        float[] w = model.weight().data();
        float[] b = model.bias().data();
        int correct = 0;
        double loss = 0;
        for (int r = 0; r < d.size(); r++) {
            double[] z = new double[3];
            int best = 0;
            for (int c = 0; c < 3; c++) {
                z[c] = b[c];
                for (int f = 0; f < 4; f++) {
                    z[c] += (double) w[c * 4 + f] * d.images()[r * 4 + f];
                }
                if (z[c] > z[best]) {
                    best = c;
                }
            }
            correct += best == d.labels()[r] ? 1 : 0;
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double sum = Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max);
            loss += max + Math.log(sum) - z[d.labels()[r]];
        }
        Metrics.Evaluation e = Metrics.evaluate(model, Objective.crossEntropy(), d);
        assertEquals((float) correct / d.size(), e.accuracy());
        assertEquals(loss / d.size(), e.loss(), 1e-5);
    }
}

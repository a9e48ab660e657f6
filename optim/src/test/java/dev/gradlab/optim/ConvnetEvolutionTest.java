package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.simd.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Evolution strategies train the reference convnet ({@link Convnets#reference}) through its
 * population path: a few steps on a few batches of the embedded subset lower the loss on them, and
 * a run is the same, to the bit, on 1 and 2 threads.
 */
class ConvnetEvolutionTest {

    private static final int BATCHES = 3;
    private static final int ROWS = 20;
    private static final Batch[] DATA = batches();

    private static Batch[] batches() {
        Dataset train = FashionMnist.subset().train();
        Batch[] batches = new Batch[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            int from = b * ROWS;
            float[] x = Arrays.copyOfRange(train.images(), from * 784, (from + ROWS) * 784);
            batches[b] = Batch.of(Tensor.wrap(x, ROWS, 784), Arrays.copyOfRange(train.labels(), from, from + ROWS));
        }
        return batches;
    }

    private static float meanLoss(Sequential model) {
        double sum = 0;
        try (var scope = Tape.noGrad()) {
            for (Batch b : DATA) {
                sum += Objective.crossEntropy().value(model.forward(b.inputs()), b);
            }
        }
        return (float) (sum / BATCHES);
    }

    /** {@code steps} ES steps with Adam over the batches in turn; returns the weights. */
    private static float[] train(Perturbation perturbation, Sequential model, int steps) {
        var es = EvolutionStrategies.builder()
                .population(20)
                .sigma(0.02f)
                .antithetic(true)
                .rankShaping(true)
                .perturbation(perturbation)
                .seed(4)
                .build();
        Adam adam = new Adam(model.parameters(), 0.01f);
        for (int step = 0; step < steps; step++) {
            es.estimate(model, Objective.crossEntropy(), DATA[step % BATCHES], step);
            adam.step();
        }
        return Parameters.flatten(model.parameters());
    }

    @Test
    void evolutionStrategiesTrainTheReferenceConvnetBitIdenticallyOnOneAndTwoThreads() {
        for (Perturbation p : new Perturbation[] {Perturbation.lowRank(1), Perturbation.fullRank()}) {
            float[][] weights = new float[2][];
            for (int t = 1; t <= 2; t++) {
                Sequential model = Convnets.reference(0);
                float before = meanLoss(model);
                try (var threads = Parallel.withThreads(t)) {
                    weights[t - 1] = train(p, model, 16);
                }
                float after = meanLoss(model);
                assertTrue(after < before - 0.08f, p + ", " + t + " threads: loss " + before + " -> " + after);
            }
            assertArrayEquals(weights[0], weights[1], p.toString());
        }
    }
}

package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import org.junit.jupiter.api.Test;

class FiniteDifferencesTest {

    private final Sequential model = Fixtures.tiny();
    private final Tensor x = Fixtures.inputs(16, 6, 1);
    private final int[] labels = Fixtures.labels(16, 3, 2);
    private final float[] exact = Fixtures.gradient(new Backprop(), model, x, labels, 0);

    @Test
    void centralMatchesBackpropToFloatPrecision() {
        float[] g = Fixtures.gradient(FiniteDifferences.central(1e-2f), model, x, labels, 0);
        float scale = 0;
        for (float v : exact) {
            scale = Math.max(scale, Math.abs(v));
        }
        // Loss rounding (~1e-7 · L) over a 2e-2 step, plus O(h²) truncation: well under 1e-4 · max|g|.
        for (int j = 0; j < exact.length; j++) {
            assertEquals(exact[j], g[j], 2e-4f * scale + 1e-5f, "coordinate " + j);
        }
    }

    @Test
    void forwardIsCloseAndCostsDPlusOne() {
        var fd = FiniteDifferences.forward(1e-3f);
        Estimate e = fd.estimate(model, x, labels, 0);
        float[] g = new float[exact.length];
        Parameters.flattenGrads(model.parameters(), g);
        assertEquals(exact.length + 1, e.lossEvaluations());
        assertTrue(
                EstimatorComparison.relativeError(g, exact) < 0.02,
                "relative error " + EstimatorComparison.relativeError(g, exact));
    }

    @Test
    void directionalPointsAlongTheGradientWithTheRightLength() {
        int k = 2000;
        float[] g = Fixtures.gradient(FiniteDifferences.directional(k, 1e-3f, 1), model, x, labels, 0);
        double cos = EstimatorComparison.cosine(g, exact);
        assertTrue(cos > 0.9, "cosine " + cos);
        double ratio = norm(g) / norm(exact);
        assertTrue(ratio > 0.9 && ratio < 1.2, "norm ratio " + ratio);
    }

    @Test
    void leavesTheWeightsAsTheyWere() {
        float[] before = Parameters.flatten(model.parameters());
        Fixtures.gradient(FiniteDifferences.central(1e-2f), model, x, labels, 0);
        Fixtures.gradient(FiniteDifferences.directional(5, 1e-2f, 3), model, x, labels, 0);
        assertArrayEquals(before, Parameters.flatten(model.parameters()));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }
}

package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimatorComparisonTest {

    private final Sequential model = Fixtures.tiny();
    private final Tensor x = Fixtures.inputs(16, 6, 1);
    private final int[] labels = Fixtures.labels(16, 3, 2);

    @Test
    void backpropAgreesWithItselfAndCentralDifferencesNearly() {
        List<EstimatorComparison.Row> rows = EstimatorComparison.compare(
                model, x, labels, List.of(new Backprop(), FiniteDifferences.central(1e-2f)), 0);
        assertEquals(1.0, rows.get(0).cosine(), 1e-9);
        assertEquals(0.0, rows.get(0).relativeError(), 1e-9);
        assertTrue(rows.get(1).cosine() > 0.9999, rows.toString());
        assertEquals(2 * 53 + 1, rows.get(1).lossEvaluations());
        assertTrue(Double.isNaN(rows.get(1).theoreticalCosine()));
    }

    @Test
    void sweepReportsTheTheoryBesideTheMeasurement() {
        List<EstimatorComparison.Row> rows =
                EstimatorComparison.sweep(model, x, labels, new int[] {10, 1000}, 0.01f, true, false, 7);
        assertEquals(2, rows.size());
        assertEquals(Math.sqrt(10.0 / 63), rows.get(0).theoreticalCosine(), 1e-12);
        assertEquals(1000, rows.get(1).population());
        assertEquals(2001, rows.get(1).lossEvaluations());
        assertEquals(rows.get(1).theoreticalCosine(), rows.get(1).cosine(), 0.03);
        assertTrue(rows.get(1).cosine() > rows.get(0).cosine());
    }
}

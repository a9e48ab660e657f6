package dev.gradlab.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearTest {

    @Test
    void initialisationIsPyTorchsUniformAndSeeded() {
        Linear layer = new Linear(400, 300, true, 42);
        assertArrayEquals(new int[] {300, 400}, layer.weight().shape());
        assertArrayEquals(new int[] {300}, layer.bias().shape());
        double bound = 1 / Math.sqrt(400);
        double sum = 0;
        double sumSquares = 0;
        for (float w : layer.weight().data()) {
            assertTrue(Math.abs(w) <= bound, "weight " + w + " outside ±" + bound);
            sum += w;
            sumSquares += w * w;
        }
        int n = layer.weight().size();
        assertEquals(0, sum / n, bound / 50);
        assertEquals(bound * bound / 3, sumSquares / n, bound * bound / 50); // variance of U(-b, b)
        for (float b : layer.bias().data()) {
            assertTrue(Math.abs(b) <= bound);
        }
        assertArrayEquals(
                layer.weight().data(), new Linear(400, 300, true, 42).weight().data());
        assertFalse(Arrays.equals(
                layer.weight().data(), new Linear(400, 300, true, 43).weight().data()));
        assertTrue(layer.weight().requiresGrad() && layer.bias().requiresGrad());
        assertEquals(List.of(layer.weight(), layer.bias()), layer.parameters());
    }

    @Test
    void forwardIsXTimesWeightTransposedPlusBias() {
        Linear layer = new Linear(3, 2, true, 0);
        System.arraycopy(new float[] {1, 2, 3, 4, 5, 6}, 0, layer.weight().data(), 0, 6);
        System.arraycopy(new float[] {0.5f, -1}, 0, layer.bias().data(), 0, 2);
        Tensor y = layer.forward(Tensor.of(new float[] {1, 0, -1, 2, 1, 0}, 2, 3));
        assertArrayEquals(new float[] {1 - 3 + 0.5f, 4 - 6 - 1, 2 + 2 + 0.5f, 8 + 5 - 1}, y.data());

        Linear noBias = new Linear(3, 2, false, 0);
        assertNull(noBias.bias());
        assertEquals(List.of(noBias.weight()), noBias.parameters());
    }

    @Test
    void aWrongInputShapeNamesBoth() {
        Linear layer = new Linear(3, 2, false, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[batch, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2, true, 0));
    }

    @Test
    void sequentialChainsLayersAndCollectsParametersInOrder() {
        Linear a = new Linear(4, 3, true, 1);
        Linear b = new Linear(3, 2, false, 2);
        Sequential model = new Sequential(a, new Tanh(), b);
        assertEquals(List.of(a.weight(), a.bias(), b.weight()), model.parameters());
        assertEquals(3, model.layers().size());
        Tensor x = Tensor.uniform(5, -1, 1, 2, 4);
        assertArrayEquals(
                b.forward(a.forward(x).tanh()).data(), model.forward(x).data());
    }
}

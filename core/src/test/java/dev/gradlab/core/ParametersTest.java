package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

    private final Sequential model = new Sequential(new Linear(3, 2, true, 1), new ReQU(), new Linear(2, 4, false, 2));

    @Test
    void flattenFollowsParameterOrderAndUnflattenWritesBack() {
        List<Tensor> params = model.parameters();
        assertEquals(6 + 2 + 8, Parameters.count(params));
        float[] flat = Parameters.flatten(params);
        assertEquals(params.get(0).data()[0], flat[0]);
        assertEquals(params.get(1).data()[1], flat[7]);
        assertEquals(params.get(2).data()[7], flat[15]);

        float[] next = new float[flat.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = i;
        }
        Parameters.unflatten(next, params);
        assertEquals(6f, params.get(1).data()[0]);
        float[] again = new float[next.length];
        Parameters.flatten(params, again);
        assertArrayEquals(next, again);
    }

    @Test
    void lengthsAreChecked() {
        List<Tensor> params = model.parameters();
        var e = assertThrows(IllegalArgumentException.class, () -> Parameters.unflatten(new float[15], params));
        assertTrue(e.getMessage().contains("16") && e.getMessage().contains("15"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parameters.flatten(params, new float[17]));
        assertThrows(IllegalArgumentException.class, () -> Parameters.flattenGrads(params, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Parameters.setGrads(new float[0], params));
    }

    @Test
    void gradientsFlattenWithZerosWhereNullAndSetGradsAllocatesWhereNull() {
        List<Tensor> params = model.parameters();
        params.get(1).setGrad(Tensor.of(new float[] {5f, 6f}, 2));
        float[] grads = new float[16];
        java.util.Arrays.fill(grads, -1f);
        Parameters.flattenGrads(params, grads);
        float[] expected = new float[16];
        expected[6] = 5f;
        expected[7] = 6f;
        assertArrayEquals(expected, grads);

        float[] values = new float[16];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 0.5f;
        }
        Parameters.setGrads(values, params);
        for (Tensor p : params) {
            assertNotNull(p.grad());
        }
        Parameters.flattenGrads(params, grads);
        assertArrayEquals(values, grads);
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** In-place updates advance a tensor's version, and a backward that saved an older version refuses to run. */
class VersionCounterTest {

    @Test
    void aUserWriteMarkedWithBumpVersionIsCaughtAndNamesTheOpAndTheTensor() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor y = Tensor.of(new float[] {4, 5, 6}, 3);
        Tensor loss = x.mul(y).sum();
        y.data()[0] = 7;
        y.bumpVersion();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(
                e.getMessage()
                        .contains(
                                "Mul saved tensor 1 (a leaf, shape [3]) at version 0, and it is now at" + " version 1"),
                e.getMessage());
    }

    @Test
    void zeroGradAdvancesTheGradientsVersionAndUnflattenTheParameters() {
        Tensor p = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        p.mul(p).sum().backward();
        Tensor grad = p.grad();
        int before = grad.version();
        p.zeroGrad();
        assertEquals(before + 1, grad.version());
        Parameters.unflatten(new float[] {3, 4}, List.of(p));
        assertEquals(1, p.version());
    }

    @Test
    void aBackwardWhoseSavedTensorsAreUnchangedRuns() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor loss = x.square().sum();
        loss.backward();
        assertEquals(
                List.of(2f, 4f, 6f),
                List.of(x.grad().data()[0], x.grad().data()[1], x.grad().data()[2]));
    }
}

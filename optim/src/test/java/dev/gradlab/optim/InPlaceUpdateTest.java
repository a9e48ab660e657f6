package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Losses;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An optimizer step between a forward pass and its backward changes the weights the backward
 * needs: the gradient would be computed from the new weights for a loss of the old ones. It is an
 * error naming the tensor, as PyTorch's "modified by an inplace operation".
 */
class InPlaceUpdateTest {

    private static final int[] LABELS = {0, 1, 1};

    private static Tensor loss(Linear layer, Tensor x) {
        return Losses.crossEntropy(layer.forward(x).tanh(), LABELS);
    }

    @Test
    void stepBetweenForwardAndBackwardIsAnErrorNamingTheWeight() {
        Linear layer = new Linear(4, 2, false, 0);
        Sgd sgd = new Sgd(layer.parameters(), 0.5f, 0f);
        Tensor x = Tensor.uniform(1, -1, 1, 3, 4);
        loss(layer, x).backward();

        Tensor pending = loss(layer, x);
        sgd.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, pending::backward);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
        assertTrue(
                e.getMessage().contains("MatMul saved tensor 1 (a leaf that requires grad, shape [2, 4])"),
                e.getMessage());
    }

    @Test
    void theUsualLoopStillWorksAndMatchesAFreshGradient() {
        Linear layer = new Linear(4, 2, false, 0);
        Adam adam = new Adam(layer.parameters(), 0.1f);
        Tensor x = Tensor.uniform(1, -1, 1, 3, 4);
        for (int step = 0; step < 3; step++) {
            adam.zeroGrad();
            loss(layer, x).backward();
            adam.step();
        }
        adam.zeroGrad();
        loss(layer, x).backward();
        float[] grad = layer.parameters().get(0).grad().data().clone();
        Linear copy = new Linear(4, 2, false, 0);
        System.arraycopy(
                layer.parameters().get(0).data(), 0, copy.parameters().get(0).data(), 0, 8);
        loss(copy, x).backward();
        assertArrayEquals(copy.parameters().get(0).grad().data(), grad);
    }

    @Test
    void loadingValuesBetweenForwardAndBackwardIsAnError() {
        Linear layer = new Linear(4, 2, false, 0);
        Tensor x = Tensor.uniform(1, -1, 1, 3, 4);
        Tensor pending = loss(layer, x);
        dev.gradlab.core.Parameters.unflatten(new float[8], layer.parameters());
        assertThrows(IllegalStateException.class, pending::backward);
        List<Tensor> params = layer.parameters();
        assertTrue(params.get(0).version() > 0);
    }
}

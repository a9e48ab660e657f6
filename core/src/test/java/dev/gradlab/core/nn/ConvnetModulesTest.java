package dev.gradlab.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Losses;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvnetModulesTest {

    @Test
    void conv2dComputesCrossCorrelationWithStridePaddingAndBias() {
        Conv2d conv = new Conv2d(1, 1, 2, 1, 0, true, 0);
        System.arraycopy(new float[] {1, 2, 3, 4}, 0, conv.weight().data(), 0, 4);
        conv.bias().data()[0] = 0.5f;
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor y = conv.forward(x);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        // y[i][j] = Σ w[u][v]·x[i+u][j+v] + b: the kernel is not flipped, as in PyTorch.
        assertArrayEquals(
                new float[] {
                    1 + 4 + 12 + 20 + 0.5f, 2 + 6 + 15 + 24 + 0.5f, 4 + 10 + 21 + 32 + 0.5f, 5 + 12 + 24 + 36 + 0.5f
                },
                y.data());

        Conv2d padded = new Conv2d(1, 1, 2, 2, 1, false, 0);
        System.arraycopy(new float[] {1, 2, 3, 4}, 0, padded.weight().data(), 0, 4);
        // Padded to 5×5, windows at rows and columns 0 and 2: corners of x meet single kernel taps.
        assertArrayEquals(
                new float[] {4 * 1, 3 * 2 + 4 * 3, 2 * 4 + 4 * 7, 1 * 5 + 2 * 6 + 3 * 8 + 4 * 9},
                padded.forward(x).data());
        assertEquals(List.of(padded.weight()), padded.parameters());
        assertEquals("Conv2d(1, 1, kernel_size=2, stride=2, padding=1, bias=false)", padded.toString());
    }

    @Test
    void conv2dRefusesWrongInputsNamingThem() {
        Conv2d conv = new Conv2d(3, 4, 5, new dev.gradlab.core.TorchGenerator(0));
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 1, 28, 28)));
        assertTrue(
                e.getMessage().contains("[batch, 3, height, width]")
                        && e.getMessage().contains("[2, 1, 28, 28]"),
                e.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 3, 4, 9)));
        assertTrue(
                small.getMessage().contains("kernel 5") && small.getMessage().contains("[1, 3, 4, 9]"),
                small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 3, 0, 0, true, 0));
    }

    @Test
    void maxPoolTakesEachWindowsMaximumWithStrideDefaultingToKernel() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 7, 1, 0, 0, 6, 9, 8, 0, 2, 2}, 1, 1, 4, 4);
        assertArrayEquals(new float[] {5, 7, 8, 9}, new MaxPool2d(2).forward(x).data());
        assertArrayEquals(
                new float[] {7, 9, 8, 9}, new MaxPool2d(3, 1).forward(x).data()); // overlapping windows
        assertArrayEquals(
                new float[] {13f / 4, 10f / 4, 8f / 4, 19f / 4},
                new AvgPool2d(2).forward(x).data());
        var e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(3, 4)));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void maxPoolGradientGoesToTheFirstMaximumOfATie() {
        Tensor x = Tensor.of(new float[] {2, 2, 1, 2}, 1, 1, 2, 2).requiresGrad(true);
        new MaxPool2d(2).forward(x).sum().backward();
        assertArrayEquals(new float[] {1, 0, 0, 0}, x.grad().data());
    }

    @Test
    void maxPoolNaNWinsItsWindowAndTheFirstNaNKeepsIt() {
        float nan = Float.NaN;
        // As PyTorch: a NaN wins its window, the first of two NaNs keeps it, the first of a tie wins.
        Tensor x = Tensor.of(
                        new float[] {1, 5, 0, nan, 4, 2, 7, 1, nan, 9, nan, 0, 3, 3, 0, nan, 0, 1, 3, 3, 0, 1, 3, 3},
                        1,
                        1,
                        4,
                        6)
                .requiresGrad(true);
        Tensor y = new MaxPool2d(2).forward(x);
        float[] expected = {7, nan, nan, 3, nan, 3};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.data()[i], 0, "window " + i);
        }
        y.sum().backward();
        float[] winners = new float[24];
        for (int at : new int[] {6, 3, 10, 12, 15, 22}) {
            winners[at] = 1;
        }
        assertArrayEquals(winners, x.grad().data());
    }

    @Test
    void flattenAndUnflattenReshapeAsPyTorchs() {
        Tensor x = Tensor.uniform(1, -1, 1, 2, 3, 4, 5);
        Tensor flat = new Flatten().forward(x);
        assertArrayEquals(new int[] {2, 60}, flat.shape());
        assertArrayEquals(x.data(), flat.data());
        assertArrayEquals(new int[] {2, 12, 5}, new Flatten(1, 2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 20}, new Flatten(-2, -1).forward(x).shape());
        assertArrayEquals(new int[] {120}, new Flatten(0, -1).forward(x).shape());
        assertArrayEquals(
                new int[] {2, 1, 6, 10},
                new Unflatten(1, 1, 6, 10).forward(flat).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> new Unflatten(1, 1, 28, 28).forward(flat));
        assertTrue(e.getMessage().contains("784") && e.getMessage().contains("[2, 60]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Flatten(2, 1).forward(x));
    }

    @Test
    void dropoutScalesWhatItKeepsAndIsSeeded() {
        Tensor x = Tensor.uniform(3, 1, 2, 100, 100);
        Dropout dropout = new Dropout(0.25f, 7);
        Tensor y = dropout.forward(x);
        int dropped = 0;
        for (int i = 0; i < x.size(); i++) {
            if (y.data()[i] == 0) {
                dropped++;
            } else {
                assertEquals(x.data()[i] / 0.75f, y.data()[i], 1e-6f * y.data()[i]);
            }
        }
        assertEquals(2500, dropped, 4 * Math.sqrt(10_000 * 0.25 * 0.75)); // binomial: 4 standard deviations
        assertArrayEquals(y.data(), new Dropout(0.25f, 7).forward(x).data());
        assertFalse(java.util.Arrays.equals(y.data(), dropout.forward(x).data()), "a new mask per forward");
        assertArrayEquals(new float[x.size()], new Dropout(1f, 7).forward(x).data());
        var e = assertThrows(InvalidSettingException.class, () -> new Dropout(1.5f, 0));
        assertEquals("p", e.setting());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void trainAndEvalModesPropagateAndDropoutIsTheIdentityInEval() {
        Dropout dropout = new Dropout(0.5f, 1);
        Sequential inner = new Sequential(new Linear(4, 4, true, 1), dropout);
        Sequential model = new Sequential(inner, new ReLU());
        assertTrue(model.isTraining() && inner.isTraining() && dropout.isTraining(), "modules start in training mode");
        Tensor x = Tensor.uniform(2, -1, 1, 3, 4);
        Tensor trained = model.forward(x);

        assertSame(model, model.eval());
        assertFalse(model.isTraining() || inner.isTraining() || dropout.isTraining());
        assertSame(x, dropout.forward(x));
        Tensor evaluated = model.forward(x);
        assertArrayEquals(
                new Sequential(inner.layers().get(0), new ReLU()).forward(x).data(), evaluated.data());
        assertNotEquals(java.util.Arrays.toString(trained.data()), java.util.Arrays.toString(evaluated.data()));

        model.train();
        assertTrue(model.isTraining() && inner.isTraining() && dropout.isTraining());
        Module stateless = new ReLU();
        assertSame(stateless, stateless.eval());
    }

    @Test
    void dropoutBackwardUsesTheForwardsMask() {
        Tensor x = Tensor.uniform(4, -1, 1, 8, 8).requiresGrad(true);
        Tensor y;
        try (var ws = Workspace.open()) {
            y = new Dropout(0.5f, 3).forward(x);
            y.sum().backward();
            for (int i = 0; i < x.size(); i++) {
                assertEquals(y.data()[i] == 0 ? 0f : 2f, x.grad().data()[i]);
            }
        }
    }

    /** One SGD-free training step of the reference convnet in a workspace; returns the loss. */
    private static float step(Sequential model, Tensor x, int[] labels) {
        model.parameters().forEach(Tensor::zeroGrad);
        try (var ws = Workspace.open()) {
            Tensor loss = Losses.crossEntropy(model.forward(x), labels);
            loss.backward();
            return loss.item();
        }
    }

    @Test
    void convnetStepsInAWorkspaceMatchStepsWithoutAndReuseTheSameArrays() {
        Sequential model = Convnets.reference(1);
        Tensor x = Tensor.uniform(2, 0, 1, 4, 784);
        int[] labels = {3, 1, 4, 1};
        Tensor loss = Losses.crossEntropy(model.forward(x), labels);
        loss.backward();
        float[] expected =
                Parameters.flatten(model.parameters().stream().map(Tensor::grad).toList());
        try {
            assertEquals(loss.item(), step(model, x, labels));
            long pooled = Workspace.pooledFloats();
            for (int i = 0; i < 3; i++) {
                assertEquals(loss.item(), step(model, x, labels));
            }
            assertEquals(pooled, Workspace.pooledFloats(), "the pool grew: a step took new arrays");
            assertArrayEquals(
                    expected,
                    Parameters.flatten(
                            model.parameters().stream().map(Tensor::grad).toList()));
        } finally {
            Workspace.trim();
        }
    }

    @Test
    void referenceConvnetHasPyTorchsLayersAndParameterCount() {
        Sequential model = Convnets.reference(42);
        assertEquals(9, model.layers().size());
        assertEquals(
                Convnets.REFERENCE_PARAMETERS,
                model.parameters().stream().mapToInt(Tensor::size).sum());
        Tensor logits = model.forward(Tensor.uniform(1, 0, 1, 3, 784));
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        assertEquals("Conv2d(1, 16, kernel_size=5)", model.layers().get(1).toString());
        Conv2d second = (Conv2d) model.layers().get(4);
        assertArrayEquals(new int[] {16, 32, 5, 1, 0}, new int[] {
            second.inChannels(), second.outChannels(), second.kernelSize(), second.stride(), second.padding()
        });
        MaxPool2d pool = (MaxPool2d) model.layers().get(6);
        assertArrayEquals(new int[] {2, 2}, new int[] {pool.kernelSize(), pool.stride()});
        assertArrayEquals(new int[] {1, 28, 28}, ((Unflatten) model.layers().get(0)).sizes());
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reduced reference MLP (784-6-10, no bias, batch 4 of Fashion-MNIST) against PyTorch float64
 * values written by {@code core/scripts/pytorch_reference.py}: logits, loss and both weight
 * gradients, for each activation.
 *
 * <p>Tolerance: float32 sums of a few hundred terms are good to about 1e-6 of the terms' magnitude,
 * so each element must be within {@code 1e-3} relative of PyTorch's, or {@code 1e-4} of the largest
 * magnitude in its tensor, whichever is larger.
 */
class PyTorchReferenceTest {

    private static final Map<String, double[]> REFERENCE =
            ReferenceFile.read("pytorch_reference.txt").values();

    private static float[] floats(String name) {
        double[] d = REFERENCE.get(name);
        assertNotNull(d, name + " is missing from the reference file");
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigmoid", "relu", "requ", "tanh"})
    void matchesPyTorch(String activation) {
        Map<String, Supplier<Module>> activations =
                Map.of("sigmoid", Sigmoid::new, "relu", ReLU::new, "requ", ReQU::new, "tanh", Tanh::new);
        int hidden = REFERENCE.get("w1").length / 784;
        Sequential model = new Sequential(
                new Linear(784, hidden, false, 0), activations.get(activation).get(), new Linear(hidden, 10, false, 0));
        float[] weights = new float[784 * hidden + hidden * 10];
        System.arraycopy(floats("w1"), 0, weights, 0, 784 * hidden);
        System.arraycopy(floats("w2"), 0, weights, 784 * hidden, hidden * 10);
        Parameters.unflatten(weights, model.parameters());

        double[] pixels = REFERENCE.get("pixels");
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (pixels[i] / 255.0);
        }
        int[] labels = java.util.Arrays.stream(REFERENCE.get("labels"))
                .mapToInt(v -> (int) v)
                .toArray();

        Tensor logits = model.forward(Tensor.wrap(x, labels.length, 784));
        Tensor loss = Losses.crossEntropy(logits, labels);
        loss.backward();

        assertClose(activation + ".logits", logits.data());
        assertClose(activation + ".loss", loss.data());
        assertClose(activation + ".grad_w1", model.parameters().get(0).grad().data());
        assertClose(activation + ".grad_w2", model.parameters().get(1).grad().data());
    }

    private static void assertClose(String name, float[] actual) {
        double[] expected = REFERENCE.get(name);
        assertNotNull(expected, name + " is missing from the reference file");
        assertEquals(expected.length, actual.length, name + " length");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, name + " is all zeros: the reference would check nothing");
        for (int i = 0; i < expected.length; i++) {
            double allowed = Math.max(1e-3 * Math.abs(expected[i]), 1e-4 * scale);
            int index = i;
            assertEquals(expected[i], actual[i], allowed, () -> name + "[" + index + "]");
        }
    }
}

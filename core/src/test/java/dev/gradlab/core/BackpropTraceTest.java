package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackpropTraceTest {

    static final float[] W1 = {0.5f, -0.3f, 0.8f, 0.2f, -0.6f, 0.4f}; // 3 × 2
    static final float[] B1 = {0.1f, -0.2f, 0.05f};
    static final float[] W2 = {0.7f, -0.5f, 0.3f, -0.4f, 0.6f, 0.9f}; // 2 × 3
    static final float[] B2 = {0.0f, 0.1f};
    static final float[] X = {1.0f, 0.5f};
    static final int LABEL = 1;

    static Sequential network(Module activation) {
        var l1 = new Linear(2, 3, true, 0);
        var l2 = new Linear(3, 2, true, 0);
        System.arraycopy(W1, 0, l1.weight().data(), 0, 6);
        System.arraycopy(B1, 0, l1.bias().data(), 0, 3);
        System.arraycopy(W2, 0, l2.weight().data(), 0, 6);
        System.arraycopy(B2, 0, l2.bias().data(), 0, 2);
        return new Sequential(l1, activation, l2);
    }

    /** Sigmoid whose backward forgets the factor (1 − z): gives g·z. */
    static final class SigmoidMissingFactor extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            Tensor z = newTensorLike(in[0]);
            for (int i = 0; i < z.size(); i++) {
                z.data()[i] = (float) (1 / (1 + Math.exp(-in[0].data()[i])));
            }
            saveForBackward(z);
            return z;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor z = saved(0);
            Tensor gx = newTensorLike(z);
            for (int i = 0; i < z.size(); i++) {
                gx.data()[i] = g.data()[i] * z.data()[i];
            }
            return new Tensor[] {gx};
        }
    }

    static final class WrongSigmoid implements Module {
        @Override
        public Tensor forward(Tensor x) {
            return new SigmoidMissingFactor().apply(x);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of();
        }
    }

    @Test
    void matchesTheHandComputedCaseAndCentralDifferences() {
        // By hand, in double: z1 = W1 x + b1, h = σ(z1), z2 = W2 h + b2, p = softmax(z2),
        // dz2 = p − onehot, dW2 = dz2 hᵀ, db2 = dz2, dh = W2ᵀ dz2, dz1 = dh ⊙ h(1 − h), dW1 = dz1 xᵀ, db1 = dz1.
        double[] h = new double[3];
        for (int i = 0; i < 3; i++) {
            h[i] = 1 / (1 + Math.exp(-(W1[2 * i] * X[0] + W1[2 * i + 1] * X[1] + B1[i])));
        }
        double[] z2 = new double[2];
        for (int i = 0; i < 2; i++) {
            z2[i] = W2[3 * i] * h[0] + W2[3 * i + 1] * h[1] + W2[3 * i + 2] * h[2] + B2[i];
        }
        double e0 = Math.exp(z2[0]);
        double e1 = Math.exp(z2[1]);
        double[] dz2 = {e0 / (e0 + e1), e1 / (e0 + e1) - 1};
        double loss = -Math.log(e1 / (e0 + e1));
        double[] expected = new double[6 + 3 + 6 + 2];
        double[] dz1 = new double[3];
        for (int j = 0; j < 3; j++) {
            double dh = dz2[0] * W2[j] + dz2[1] * W2[3 + j];
            dz1[j] = dh * h[j] * (1 - h[j]);
        }
        int k = 0;
        for (int i = 0; i < 3; i++) {
            expected[k++] = dz1[i] * X[0];
            expected[k++] = dz1[i] * X[1];
        }
        for (int i = 0; i < 3; i++) {
            expected[k++] = dz1[i];
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                expected[k++] = dz2[i] * h[j];
            }
        }
        expected[k++] = dz2[0];
        expected[k] = dz2[1];

        BackpropTrace trace = BackpropTrace.of(network(new Sigmoid()), X, LABEL);
        assertEquals(loss, trace.loss(), 1e-6);
        List<BackpropTrace.ParameterGradient> grads = trace.parameterGradients();
        assertEquals(expected.length, grads.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i], grads.get(i).backprop(), 1e-6, grads.get(i).name());
            assertEquals(
                    expected[i],
                    grads.get(i).finiteDifference(),
                    1e-3,
                    grads.get(i).name());
        }
        assertTrue(trace.maxFiniteDifferenceError() < 1e-3, "max error " + trace.maxFiniteDifferenceError());
        assertTrue(trace.maxProductMismatch() < 1e-6, "mismatch " + trace.maxProductMismatch());
        assertEquals("W1[1][0]", grads.get(2).name());
        assertEquals("b2[1]", grads.get(16).name());

        String text = trace.toString();
        assertTrue(
                text.contains(String.format(
                        java.util.Locale.ROOT,
                        "h1[0] = sigmoid(z1[0]) = sigmoid(%.6f) = %.6f",
                        W1[0] * X[0] + W1[1] * X[1] + B1[0],
                        h[0])),
                text);
        assertTrue(
                text.contains(String.format(
                        java.util.Locale.ROOT, "∂L/∂z2[1] = p[1] − [1 = label] = %.6f − 1 = %.6f", dz2[1] + 1, dz2[1])),
                text);
        assertTrue(text.contains("∂L/∂z1[2] = ∂L/∂h1[2] · sigmoid'(z1[2]) = "), text);
        // The backward lines come in the tape's order: output layer first.
        assertTrue(text.indexOf("∂L/∂W2[0][0]") < text.indexOf("∂L/∂h1[0]"), text);
        assertTrue(text.indexOf("∂L/∂h1[0]") < text.indexOf("∂L/∂z1[0]"), text);
        assertTrue(text.indexOf("∂L/∂z1[0]") < text.indexOf("∂L/∂W1[0][0]"), text);
    }

    @Test
    void aWrongBackwardShowsAsAMismatchWithTheFiniteDifferences() {
        BackpropTrace trace = BackpropTrace.of(network(new WrongSigmoid()), X, LABEL);
        assertTrue(trace.maxFiniteDifferenceError() > 1e-2, "max error " + trace.maxFiniteDifferenceError());
    }

    @Test
    void worksForOtherActivationsAndDeeperNetworks() {
        var net = new Sequential(
                new Linear(2, 4, true, 3),
                new ReLU(),
                new Linear(4, 3, false, 4),
                new Sigmoid(),
                new Linear(3, 2, true, 5));
        BackpropTrace trace = BackpropTrace.of(net, X, 0);
        assertTrue(trace.maxFiniteDifferenceError() < 1e-3, "max error " + trace.maxFiniteDifferenceError());
        assertTrue(trace.maxProductMismatch() < 1e-6, "mismatch " + trace.maxProductMismatch());
    }

    @Test
    void rejectsALabelOutOfRangeAndABadStep() {
        var e = assertThrows(IllegalArgumentException.class, () -> BackpropTrace.of(network(new Sigmoid()), X, 2));
        assertTrue(e.getMessage().contains("label must be in [0, 2), got 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackpropTrace.of(network(new Sigmoid()), X, 0, 0));
    }
}

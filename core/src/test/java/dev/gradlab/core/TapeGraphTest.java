package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TapeGraphTest {

    /** y = 3x, with no formula: drawn with its name only. */
    static final class Triple extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            Tensor y = newTensorLike(in[0]);
            for (int i = 0; i < y.size(); i++) {
                y.data()[i] = 3 * in[0].data()[i];
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor gx = newTensorLike(g);
            for (int i = 0; i < g.size(); i++) {
                gx.data()[i] = 3 * g.data()[i];
            }
            return new Tensor[] {gx};
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void referenceNetworkHasOneNodePerOpAndTensorWithShapesFormulasAndGradientNorms() {
        var model = new Sequential(new Linear(784, 512, false, 1), new Sigmoid(), new Linear(512, 10, false, 2));
        Tensor x = Checks.uniform(new SplittableRandom(3), 0, 1, 4, 784);
        int[] labels = {0, 3, 9, 1};
        String dot;
        Tensor loss;
        try (TapeGraph graph = TapeGraph.record()) {
            loss = Losses.crossEntropy(model.forward(x), labels);
            loss.backward();
            graph.name(x, "x")
                    .name(model.parameters().get(0), "W1")
                    .name(model.parameters().get(1), "W2")
                    .name(loss, "loss");
            assertEquals(4, graph.opCount());
            assertEquals(7, graph.tensorCount()); // x, W1, x·W1ᵀ, sigmoid, W2, logits, loss
            dot = graph.toDot();
        }
        assertTrue(dot.startsWith("digraph tape {"), dot);
        assertEquals(4, count(dot, "shape=box"));
        assertEquals(7, count(dot, "shape=ellipse"));
        assertEquals(2, count(dot, "label=\"MatMul\\\\nforward: z = a·bᵀ"));
        assertEquals(
                1,
                count(
                        dot,
                        "label=\"SigmoidFunction\\\\nforward: z = 1 / \\(1 \\+ e⁻ˣ\\)\\\\nbackward: ∂L/∂x = ∂L/∂z·z·\\(1 − z\\)"));
        assertEquals(1, count(dot, "label=\"CrossEntropy"));
        for (String tensor : new String[] {
            "x\\n[4, 784]\\nconstant",
            "W1\\n[512, 784]\\nleaf, requires grad",
            "tensor\\n[4, 512]",
            "W2\\n[10, 512]",
            "tensor\\n[4, 10]",
            "loss\\n[]"
        }) {
            assertTrue(dot.contains(tensor), tensor + " in " + dot);
        }
        // 3 edges into and out of each MatMul, 2 for sigmoid and cross-entropy: 10 edges.
        assertEquals(10, count(dot, " -> "));
        // x needs no gradient: its edge carries no norm; W1's carries the norm of W1's gradient.
        assertTrue(Pattern.compile("t0 -> op0;").matcher(dot).find(), dot);
        double norm = 0;
        for (float g : model.parameters().get(0).grad().data()) {
            norm += (double) g * g;
        }
        String w1Edge = String.format(Locale.ROOT, "t1 -> op0 [label=\"‖∂L/∂·‖ = %.3g\"]", Math.sqrt(norm));
        assertTrue(dot.contains(w1Edge), w1Edge + " in " + dot);
        assertTrue(dot.contains("op3 -> t6 [label=\"‖∂L/∂·‖ = 1.00\"]"), dot); // the seed dL/dL = 1
    }

    @Test
    void aUsersFunctionIsDrawnWithItsFormulaOrWithoutOne() {
        Tensor x = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        String dot;
        try (TapeGraph graph = TapeGraph.record()) {
            new Triple().apply(x).requ().sum().backward();
            dot = graph.toDot();
        }
        assertTrue(dot.contains("Triple\\n(no formula given)"), dot);
        assertTrue(dot.contains("ReQUFunction\\nforward: z = x²·[x>0]\\nbackward: ∂L/∂x = ∂L/∂z·2x·[x>0]"), dot);
    }

    @Test
    void recordsOnlyWhileOpenAndOnlyOneAtATime() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        TapeGraph graph = TapeGraph.record();
        assertThrows(IllegalStateException.class, TapeGraph::record);
        x.sigmoid();
        graph.close();
        x.tanh();
        assertEquals(1, graph.opCount());
        assertThrows(IllegalArgumentException.class, () -> graph.name(Tensor.zeros(1), "unseen"));
        try (TapeGraph again = TapeGraph.record()) {
            assertEquals(0, again.opCount());
        }
    }

    @Test
    void retainGradKeepsTheGradientOfAnIntermediateTensor() {
        Tensor x = Tensor.of(new float[] {0.5f, -1f}, 2).requiresGrad(true);
        Tensor y = x.mul(x).retainGrad();
        Tensor z = y.sum().retainGrad();
        z.backward();
        assertEquals(1f, z.grad().item());
        assertEquals(1f, y.grad().data()[0]);
        assertEquals(1f, y.grad().data()[1]);
        assertEquals(1f, x.grad().data()[0], 1e-6f); // 2x
        assertEquals(-2f, x.grad().data()[1], 1e-6f);
    }
}

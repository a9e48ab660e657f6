package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradlab.core.ops.AvgPool2dFunction;
import dev.gradlab.core.ops.Conv2dFunction;
import dev.gradlab.core.ops.CrossEntropy;
import dev.gradlab.core.ops.DropoutFunction;
import dev.gradlab.core.ops.MaxPool2dFunction;
import dev.gradlab.core.ops.MeanSquaredError;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ops allocate outputs and gradients they write whole without zeroing them, so inside a workspace
 * they receive an earlier step's stale values. Here every op runs in a workspace whose free arrays
 * all hold NaN and must give bit for bit the values and gradients it gives outside one: an op that
 * reads or adds into such a tensor before writing it shows NaN.
 */
class PoisonedWorkspaceTest {

    /** Arrays of every length up to this are poisoned; the cases' tensors are no larger. */
    static final int MAX_SIZE = 160;

    record Case(String name, int[][] shapes, Function<Tensor[], Tensor> op) {}

    private static Case of(String name, Function<Tensor[], Tensor> op, int[]... shapes) {
        return new Case(name, shapes, op);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        int[] m = {3, 4};
        cases.add(of("relu", x -> x[0].relu(), m));
        cases.add(of("sigmoid", x -> x[0].sigmoid(), m));
        cases.add(of("tanh", x -> x[0].tanh(), m));
        cases.add(of("requ", x -> x[0].requ(), m));
        cases.add(of("exp", x -> x[0].exp(), m));
        cases.add(of("log", x -> x[0].abs().add(0.5f).log(), m));
        cases.add(of("neg", x -> x[0].neg(), m));
        cases.add(of("sqrt", x -> x[0].square().add(0.5f).sqrt(), m));
        cases.add(of("reciprocal", x -> x[0].abs().add(0.5f).reciprocal(), m));
        cases.add(of("clamp", x -> x[0].clamp(-0.3f, 0.4f), m));
        cases.add(of("mul", x -> x[0].mul(x[1]), m, m));
        cases.add(of("mul broadcast", x -> x[0].mul(x[1]), new int[] {3, 1}, new int[] {2, 1, 4}));
        cases.add(of("add", x -> x[0].add(x[1]), m, m));
        cases.add(of("add bias", x -> x[0].add(x[1]), m, new int[] {4}));
        cases.add(of("add broadcast", x -> x[0].add(x[1]), new int[] {2, 3, 4}, new int[] {3, 1}));
        cases.add(of("sub", x -> x[0].sub(x[1]), new int[] {2, 3, 4}, new int[] {3, 1}));
        cases.add(of("div", x -> x[0].div(x[1].abs().add(0.5f)), new int[] {2, 3, 4}, new int[] {4}));
        cases.add(of("pow", x -> x[0].abs().add(0.5f).pow(x[1]), new int[] {2, 3, 4}, new int[] {3, 1}));
        cases.add(of("maximum", x -> x[0].maximum(x[1]), new int[] {2, 3, 4}, new int[] {3, 1}));
        cases.add(of("minimum", x -> x[0].minimum(x[1]), m, m));
        cases.add(of("matmul", x -> x[0].matmul(x[1]), new int[] {3, 5}, new int[] {5, 4}));
        cases.add(of("matmul aᵀ", x -> x[0].matmul(x[1], true, false), new int[] {5, 3}, new int[] {5, 4}));
        cases.add(of("matmul bᵀ", x -> x[0].matmul(x[1], false, true), new int[] {3, 5}, new int[] {4, 5}));
        cases.add(of("matmul aᵀbᵀ", x -> x[0].matmul(x[1], true, true), new int[] {5, 3}, new int[] {4, 5}));
        cases.add(of("batched matmul", x -> x[0].matmul(x[1]), new int[] {2, 3, 5}, new int[] {5, 4}));
        cases.add(of("softmax", x -> x[0].softmax(-1), new int[] {2, 3, 4}));
        cases.add(of("softmax inner", x -> x[0].softmax(1), new int[] {2, 3, 4}));
        cases.add(of("logSoftmax", x -> x[0].logSoftmax(-1), new int[] {2, 3, 4}));
        cases.add(of("logSoftmax inner", x -> x[0].logSoftmax(1), new int[] {2, 3, 4}));
        cases.add(of("cross-entropy", x -> new CrossEntropy(new int[] {2, 0, 3}).apply(x[0]), m));
        cases.add(of("mse", x -> new MeanSquaredError().apply(x[0], x[1]), m, m));
        cases.add(of("dropout", x -> new DropoutFunction(0.4f, new SplittableRandom(5)).apply(x[0]), m));
        cases.add(of("avgPool 2/2", x -> new AvgPool2dFunction(2, 2).apply(x[0]), new int[] {2, 2, 5, 7}));
        cases.add(of("avgPool 3/1", x -> new AvgPool2dFunction(3, 1).apply(x[0]), new int[] {1, 2, 5, 6}));
        cases.add(of("maxPool 2/2 odd", x -> new MaxPool2dFunction(2, 2).apply(x[0]), new int[] {2, 2, 5, 7}));
        cases.add(of("maxPool 2/2 even", x -> new MaxPool2dFunction(2, 2).apply(x[0]), new int[] {1, 3, 4, 10}));
        cases.add(of("maxPool 3/2", x -> new MaxPool2dFunction(3, 2).apply(x[0]), new int[] {1, 2, 7, 6}));
        // The shifted reads (few taps), im2col with padding and at stride 2, and more than 16 channels.
        cases.add(of(
                "conv2d shifted",
                x -> new Conv2dFunction(1, 0).apply(x[0], x[1], x[2]),
                new int[] {2, 1, 6, 6},
                new int[] {2, 1, 3, 3},
                new int[] {2}));
        cases.add(of(
                "conv2d padded",
                x -> new Conv2dFunction(1, 1).apply(x[0], x[1], x[2]),
                new int[] {1, 2, 5, 5},
                new int[] {3, 2, 3, 3},
                new int[] {3}));
        cases.add(of(
                "conv2d stride 2", x -> new Conv2dFunction(2, 0).apply(x[0], x[1]), new int[] {1, 2, 7, 7}, new int[] {
                    2, 2, 3, 3
                }));
        cases.add(of(
                "conv2d 20 channels",
                x -> new Conv2dFunction(1, 0).apply(x[0], x[1], x[2]),
                new int[] {1, 1, 3, 3},
                new int[] {20, 1, 2, 2},
                new int[] {20}));
        cases.add(of("reshape", x -> x[0].reshape(4, 3), m));
        cases.add(of("flatten", x -> x[0].flatten(1, 2), new int[] {2, 3, 4}));
        cases.add(of("permute", x -> x[0].permute(2, 0, 1), new int[] {2, 3, 4}));
        cases.add(of("transpose", x -> x[0].transpose(0, 1), m));
        cases.add(of("narrow", x -> x[0].narrow(1, 1, 2), new int[] {2, 3, 4}));
        cases.add(of("select", x -> x[0].select(2, 3), new int[] {2, 3, 4}));
        cases.add(of("indexSelect", x -> x[0].indexSelect(1, new int[] {2, 0, 2}), new int[] {2, 3, 4}));
        cases.add(of("cat", x -> Tensor.cat(List.of(x[0], x[1]), 1), new int[] {2, 3, 4}, new int[] {2, 1, 4}));
        cases.add(of("stack", x -> Tensor.stack(List.of(x[0], x[1]), 1), m, m));
        cases.add(of("expand", x -> x[0].expand(2, 3, 4), new int[] {3, 1}));
        cases.add(of("sum", x -> x[0].sum(), m));
        cases.add(of("mean", x -> x[0].mean(), m));
        cases.add(of("sum last dim", x -> x[0].sum(-1, false), new int[] {2, 3, 4}));
        cases.add(of("sum inner dim", x -> x[0].sum(1, true), new int[] {2, 3, 4}));
        cases.add(of("mean inner dim", x -> x[0].mean(0, false), new int[] {2, 3, 4}));
        cases.add(of("max dim", x -> x[0].max(1, false), new int[] {2, 3, 4}));
        cases.add(of("max", x -> x[0].max(), m));
        cases.add(of("min", x -> x[0].min(), m));
        return cases;
    }

    /** The op's output and its inputs' gradients under a fixed weighting of the output. */
    private static List<float[]> run(Case c, boolean inWorkspace) {
        Tensor[] inputs = new Tensor[c.shapes().length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Tensor.uniform(17 + i, -1f, 1f, c.shapes()[i]).requiresGrad(true);
        }
        List<float[]> values = new ArrayList<>();
        try (Workspace ws = inWorkspace ? Workspace.open() : null) {
            Tensor out = c.op().apply(inputs);
            Tensor weights = Tensor.uniform(29, 0.5f, 1.5f, out.shape());
            values.add(out.data().clone());
            out.mul(weights).sum().backward();
        }
        for (Tensor input : inputs) {
            values.add(input.grad().data().clone());
        }
        return values;
    }

    /** Returns arrays of every length up to {@link #MAX_SIZE} to this thread's pool, filled with NaN. */
    private static void poison() {
        try (Workspace ws = Workspace.open()) {
            for (int size = 1; size <= MAX_SIZE; size++) {
                for (int copies = 0; copies < 12; copies++) {
                    java.util.Arrays.fill(Workspace.uninitialized(size).data(), Float.NaN);
                }
            }
        }
    }

    @AfterEach
    void trim() {
        Workspace.trim();
    }

    @Test
    void everyOpGivesTheSameValuesAndGradientsOverStaleStorage() {
        for (Case c : cases()) {
            List<float[]> expected = run(c, false);
            poison();
            List<float[]> actual = run(c, true);
            for (int t = 0; t < expected.size(); t++) {
                String what = c.name() + (t == 0 ? ": output" : ": gradient of input " + (t - 1));
                float[] e = expected.get(t);
                float[] a = actual.get(t);
                assertEquals(e.length, a.length, what);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(a[i]), what + " at " + i);
                }
            }
        }
    }
}

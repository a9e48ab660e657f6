package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Tensor ops: refusals that say what and where, gradient accumulation, graph release, bound parameters. */
class TensorOpsTest {

    private static void assertRefused(Supplier<Tensor> op, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op::get);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    /** As torch.neg: a zero's sign flips, in the values and in the gradient. */
    @Test
    void negFlipsTheSignOfZero() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        Tensor z = x.neg();
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(z.data()[0]));
        z.sum().backward();
        assertEquals(Float.floatToIntBits(-1f), Float.floatToIntBits(x.grad().data()[1]));
        Tensor back = x.neg().neg();
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(back.data()[2]));
    }

    @Test
    void shapesThatDoNotBroadcastNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        assertRefused(() -> a.add(b), "add", "[2, 3]", "[4]");
        assertRefused(() -> a.sub(b), "sub", "[2, 3]", "[4]");
        assertRefused(() -> a.mul(b), "mul", "[2, 3]", "[4]");
        assertRefused(() -> a.div(b), "div", "[2, 3]", "[4]");
        assertRefused(() -> a.pow(b), "pow", "[2, 3]", "[4]");
        assertRefused(() -> a.maximum(b), "maximum", "[2, 3]", "[4]");
        assertRefused(() -> a.minimum(b), "minimum", "[2, 3]", "[4]");
        assertRefused(() -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(2, 2, 4)), "matmul", "[2, 2, 3]", "[2, 2, 4]");
        assertRefused(() -> Tensor.zeros(3, 2, 3).matmul(Tensor.zeros(2, 3, 4)), "matmul", "[3]", "[2]");
        assertRefused(() -> Tensor.cat(List.of(a, Tensor.zeros(3, 3)), 1), "cat", "[3, 3]", "[2, 3]");
        assertRefused(() -> Tensor.stack(List.of(a, Tensor.zeros(2, 4)), 0), "stack", "[2, 4]", "[2, 3]");
        assertRefused(() -> a.reshape(4, -1), "reshape", "[4, -1]", "[2, 3]");
        assertRefused(() -> a.reshape(-1, -1), "reshape", "only one dim may be -1");
        assertRefused(() -> a.expand(4, 3), "expand", "[2, 3]", "[4, 3]");
        assertRefused(() -> a.permute(0, 0), "permute", "[0, 0]");
    }

    @Test
    void aDimOutOfRangeNamesTheDimAndTheRank() {
        Tensor a = Tensor.zeros(2, 3);
        String rank = "rank 2";
        assertRefused(() -> a.sum(2, false), "sum", "dim 2", rank);
        assertRefused(() -> a.mean(-3, true), "mean", "dim -3", rank);
        assertRefused(() -> a.max(5, false), "max", "dim 5", rank);
        assertRefused(() -> a.min(2, false), "min", "dim 2", rank);
        assertRefused(() -> a.argmax(2), "argmax", "dim 2", rank);
        assertRefused(() -> a.softmax(2), "softmax", "dim 2", rank);
        assertRefused(() -> a.logSoftmax(-3), "logSoftmax", "dim -3", rank);
        assertRefused(() -> a.transpose(0, 2), "transpose", "dim 2", rank);
        assertRefused(() -> a.flatten(0, 3), "flatten", "dim 3", rank);
        assertRefused(() -> a.unsqueeze(4), "unsqueeze", "dim 4", "rank 3");
        assertRefused(() -> a.squeeze(2), "squeeze", "dim 2", rank);
        assertRefused(() -> a.select(2, 0), "select", "dim 2", rank);
        assertRefused(() -> a.narrow(-3, 0, 1), "narrow", "dim -3", rank);
        assertRefused(() -> a.indexSelect(2, new int[] {0}), "indexSelect", "dim 2", rank);
        assertRefused(() -> Tensor.cat(List.of(a, a), 2), "cat", "dim 2", rank);
        assertRefused(() -> Tensor.scalar(1f).sum(0, false), "sum", "dim 0", "rank 0");
        assertRefused(() -> a.select(1, 3), "select", "index 3", "size 3");
        assertRefused(() -> a.narrow(1, 2, 2), "narrow", "start 2", "length 2", "size 3");
        assertRefused(() -> a.indexSelect(0, new int[] {0, 2}), "indexSelect", "indices[1] = 2", "size 2");
    }

    @Test
    void aTensorUsedSeveralTimesAccumulatesEveryGradientAndTheGraphIsReleased() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        // y = Σ (x·x + x/2 + |x| − x) = Σ x² + |x| − x/2: dy/dx = 2x + sign(x) − 1/2
        Tensor y = x.mul(x).add(x.div(2f)).add(x.abs()).sub(x).sum();
        y.backward();
        assertArrayEquals(new float[] {2.5f, -5.5f, 6.5f}, x.grad().data(), 1e-6f);
        IllegalStateException again = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(again.getMessage().contains("already released"), again.getMessage());
    }

    @Test
    void theDocsExamplesRun() {
        Tensor x = Tensor.uniform(0, -1, 1, 4, 3).requiresGrad(true);
        Tensor w = Tensor.uniform(1, -1, 1, 3).requiresGrad(true);
        Tensor y = x.mul(w).sub(x.mean(0, true)).pow(2f).sum(-1, false).sqrt().softmax(0);
        assertArrayEquals(new int[] {4}, y.shape());
        y.select(0, 2).backward();
        assertArrayEquals(new int[] {4, 3}, x.grad().shape());
        assertArrayEquals(new int[] {3}, w.grad().shape());

        Tensor v = Tensor.ones(3).requiresGrad(true);
        Tensor b = Tensor.zeros(4, 1).requiresGrad(true);
        Tensor z = Tensor.uniform(0, -1, 1, 4, 3)
                .mul(v)
                .add(b)
                .tanh()
                .pow(2f)
                .sum(-1, false)
                .mean();
        assertEquals(0, z.rank());
        z.backward();
        assertArrayEquals(new int[] {3}, v.grad().shape());
        assertArrayEquals(new int[] {4, 1}, b.grad().shape());
    }

    @Test
    void factoriesArgmaxAndDetach() {
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).data());
        assertArrayEquals(new float[] {7, 7, 7, 7}, Tensor.full(7f, 2, 2).data());
        Tensor like = Tensor.zeros(2, 3);
        assertArrayEquals(new int[] {2, 3}, Tensor.onesLike(like).shape());
        assertEquals(6f, Tensor.onesLike(like).sum().item());
        assertEquals(0f, Tensor.zerosLike(Tensor.ones(3)).sum().item());
        Tensor x = Tensor.of(new float[] {1, 5, 5, 9, 2, 0}, 2, 3).requiresGrad(true);
        assertArrayEquals(new float[] {1, 0}, x.argmax(1).data());
        assertArrayEquals(new float[] {1, 0, 0}, x.argmax(0).data());
        assertFalse(x.argmax(1).requiresGrad());
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertArrayEquals(x.data(), d.data());
    }

    @Test
    void shapeOpsOnABoundParameterReadTheThreadsValues() {
        Tensor p = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        float[] member = {10, 20, 30, 40, 50, 60};
        try (ParameterBinding binding = ParameterBinding.open(List.of(p))) {
            binding.bind(new float[][] {member});
            try (var scope = Tape.noGrad()) {
                assertArrayEquals(member, p.reshape(3, 2).data());
                assertArrayEquals(
                        new float[] {10, 40, 20, 50, 30, 60}, p.transpose(0, 1).data());
                assertArrayEquals(new float[] {40, 50, 60}, p.select(0, 1).data());
                assertArrayEquals(
                        new float[] {20, 50}, p.narrow(1, 1, 1).flatten(0, 1).data());
                assertArrayEquals(
                        new float[] {10, 20, 30, 10, 20, 30},
                        p.narrow(0, 0, 1).expand(2, 3).data());
                assertArrayEquals(
                        new float[] {40, 50, 60, 10, 20, 30},
                        p.indexSelect(0, new int[] {1, 0}).data());
            } finally {
                binding.unbind();
            }
        }
    }

    /** A broadcasting add whose backward averages the bias gradient over the rows instead of summing it. */
    static final class AddAveragingTheBroadcastGradient extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].add(in[1]);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g, g.mean(0, true)};
        }
    }

    @Property(tries = 20)
    void aBackwardThatDoesNotSumOverBroadcastAxesIsCaught(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rows = random.nextInt(2, 5);
        int cols = random.nextInt(1, 5);
        Tensor x = Checks.uniform(random, -1, 1, rows, cols).requiresGrad(true);
        Tensor b = Checks.uniform(random, -1, 1, 1, cols).requiresGrad(true);
        Tensor w = Checks.awayFromZero(random, 0.5, 1, rows, cols);
        GradCheck.Result result = GradCheck.check(
                () -> new AddAveragingTheBroadcastGradient().apply(x, b).mul(w).sum(),
                Map.of("x", x, "bias", b),
                GradCheck.Options.DEFAULTS);
        assertFalse(result.passed(), result::describe);
        assertEquals("bias", result.tensor());
    }
}

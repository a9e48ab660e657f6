package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TapeTest {

    /** y = x + y', recording which inputs it was told need a gradient. */
    static final class Probe extends Function {
        boolean[] seen = new boolean[2];

        @Override
        protected Tensor forward(Tensor... in) {
            seen[0] = needsInputGrad(0);
            seen[1] = needsInputGrad(1);
            Tensor z = newTensorLike(in[0]);
            for (int i = 0; i < z.size(); i++) {
                z.data()[i] = in[0].data()[i] + in[1].data()[i];
            }
            return z;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {needsInputGrad(0) ? g : null, needsInputGrad(1) ? g : null};
        }
    }

    /** Returns a gradient of the wrong shape for its input. */
    static final class WrongShape extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return newTensorLike(in[0]);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {newTensor(3, 2)};
        }
    }

    @Test
    void aTensorUsedTwiceAccumulatesBothGradients() {
        Tensor x = Tensor.of(new float[] {1.5f, -2f, 3f}, 3).requiresGrad(true);
        x.mul(x).sum().backward(); // d(Σx²)/dx = 2x
        assertArrayEquals(new float[] {3f, -4f, 6f}, x.grad().data());

        Tensor y = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor s = y.sigmoid();
        s.add(s).add(y).sum().backward(); // 2σ'(y) + 1, through a shared intermediate
        for (int i = 0; i < 2; i++) {
            double sig = 1 / (1 + Math.exp(-y.data()[i]));
            assertEquals(2 * sig * (1 - sig) + 1, y.grad().data()[i], 1e-6);
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        x.mul(x).sum().backward();
        Tensor first = x.grad();
        x.sum().backward();
        assertSame(first, x.grad());
        assertArrayEquals(new float[] {3f, 5f}, x.grad().data());

        x.zeroGrad();
        assertNull(x.grad());
        x.sum().backward(); // reuses the storage, overwriting stale values
        assertArrayEquals(new float[] {1f, 1f}, x.grad().data());
    }

    @Test
    void noGradScopesRecordNothing() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Probe probe = new Probe();
        Tensor y;
        try (var outer = Tape.noGrad()) {
            try (var inner = Tape.noGrad()) {
                assertFalse(Tape.isRecording());
            }
            assertFalse(Tape.isRecording());
            y = probe.apply(x, x).sigmoid().sum();
        }
        assertTrue(Tape.isRecording());
        assertFalse(probe.seen[0] || probe.seen[1]);
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
        assertNull(x.grad());
    }

    @Test
    void nothingIsRecordedWhenNoInputRequiresAGradient() {
        Tensor y = Tensor.of(new float[] {1f, 2f}, 2).sigmoid();
        assertTrue(y.isLeaf());
        assertFalse(y.requiresGrad());
    }

    @Test
    void aNoGradScopeBelongsToItsThread() {
        var scope = Tape.noGrad();
        try {
            var other = CompletableFuture.supplyAsync(Tape::isRecording).join();
            assertTrue(other, "another thread records while this one is in a no-grad scope");
            var e = assertThrows(
                    Exception.class,
                    () -> CompletableFuture.runAsync(scope::close).join());
            assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
        } finally {
            scope.close();
        }
        assertTrue(Tape.isRecording());
    }

    @Test
    void aFunctionSeesWhichInputsNeedAGradient() {
        Tensor a = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {2f}, 1);
        Probe probe = new Probe();
        probe.apply(a, b).sum().backward();
        assertArrayEquals(new boolean[] {true, false}, probe.seen);
        assertArrayEquals(new float[] {1f}, a.grad().data());
        assertNull(b.grad());
    }

    @Test
    void aHundredThousandDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {0.5f}, 1).requiresGrad(true);
        Tensor step = Tensor.of(new float[] {1e-6f}, 1);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(step);
        }
        y.mul(y).sum().backward(); // d(y²)/dx = 2y
        assertEquals(2 * y.data()[0], x.grad().data()[0], 1e-6);
    }

    @Test
    void theGraphIsReleasedAfterBackward() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor hidden = x.tanh();
        Tensor loss = hidden.sum();
        loss.backward();
        var e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already released"), e.getMessage());
        var through = assertThrows(
                IllegalStateException.class, () -> hidden.mul(hidden).sum().backward());
        assertTrue(through.getMessage().contains("TanhFunction"), through.getMessage());
    }

    @Test
    void aGradientOfTheWrongShapeIsRejectedNamingBothShapes() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor loss = new WrongShape().apply(x).sum();
        var e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("WrongShape"), e.getMessage());
    }

    @Test
    void opShapeMismatchesNameBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(3, 2);
        for (Runnable op : new Runnable[] {
            () -> a.add(b), () -> a.mul(b), () -> a.matmul(a), () -> Losses.mse(a, b), () -> a.setGrad(b)
        }) {
            var e = assertThrows(IllegalArgumentException.class, op::run);
            assertTrue(
                    e.getMessage().contains("[2, 3]")
                            && e.getMessage().contains(e.getMessage().contains("[3, 2]") ? "[3, 2]" : "[2, 3]"),
                    e.getMessage());
        }
        var matmul = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(2, 4)));
        assertTrue(
                matmul.getMessage().contains("[2, 3]") && matmul.getMessage().contains("[2, 4]"), matmul.getMessage());
    }

    @Test
    void misuseIsReportedClearly() {
        Tensor x = Tensor.zeros(2, 2).requiresGrad(true);
        Probe probe = new Probe();
        Tensor y = probe.apply(x, x);
        assertThrows(IllegalStateException.class, () -> probe.apply(x, x));
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        var notScalar = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(notScalar.getMessage().contains("[2, 2]"), notScalar.getMessage());
        assertThrows(
                IllegalStateException.class,
                () -> new Function() {
                    @Override
                    protected Tensor forward(Tensor... in) {
                        return in[0];
                    }

                    @Override
                    protected Tensor[] backward(Tensor g) {
                        return new Tensor[] {g};
                    }
                }.apply(x));
    }

    @Test
    void backwardOnALeafGivesOne() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        x.backward();
        assertEquals(1f, x.grad().item());
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The tape hands a gradient that a backward allocated for its call to the producer without a copy,
 * and copies every other one: user Functions that return {@code g}, one tensor for two inputs, or a
 * tensor they keep must still get exact gradients. Each case accumulates a second gradient into the
 * producer afterwards, so a tensor taken over wrongly shows up as a wrong gradient.
 */
class TapeOwnershipTest {

    /** {@code z = x + y}; backward returns one new tensor, a copy of g, for both inputs. */
    static final class AddOneTensor extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].add(in[1]); // not recorded: forward runs with the tape paused
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor both = newTensorLike(g);
            System.arraycopy(g.data(), 0, both.data(), 0, g.size());
            return new Tensor[] {both, both};
        }
    }

    /** The identity, keeping the gradient it was given, as a hook that records it would. */
    static final class Spy extends Function {
        Tensor seen;

        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(1f);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            seen = g;
            return new Tensor[] {g};
        }
    }

    /** {@code z = 2x}, noting the gradient tensor its backward made (only to compare identities). */
    static final class Twice extends Function {
        Tensor made;

        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(2f);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            made = newUninitializedLike(g);
            for (int i = 0; i < g.size(); i++) {
                made.data()[i] = 2 * g.data()[i];
            }
            return new Tensor[] {made};
        }
    }

    /** {@code z = k·x}, whose backward writes {@code k·g} into a buffer shared by every call and returns it. */
    static final class ScaleIntoSharedBuffer extends Function {
        private final Tensor buffer;
        private final float k;

        ScaleIntoSharedBuffer(Tensor buffer, float k) {
            this.buffer = buffer;
            this.k = k;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(k);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            for (int i = 0; i < g.size(); i++) {
                buffer.data()[i] = k * g.data()[i];
            }
            return new Tensor[] {buffer};
        }
    }

    private static Tensor leaf(float... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    private static Tensor vector(float... values) {
        return Tensor.of(values, values.length);
    }

    /** {@code first + second}, or {@code second + first}: the tape visits the terms in either order. */
    private static Tensor sum(boolean swap, Tensor first, Tensor second) {
        return swap ? second.add(first) : first.add(second);
    }

    @Test
    void oneNewTensorReturnedForTwoInputsIsNotSharedByTheirProducers() {
        for (boolean inWorkspace : new boolean[] {false, true}) {
            for (boolean swap : new boolean[] {false, true}) {
                Tensor xa = leaf(1f, -2f);
                Tensor xb = leaf(0.5f, 3f);
                try (Workspace ws = inWorkspace ? Workspace.open() : null) {
                    Tensor a = xa.mul(2f);
                    Tensor b = xb.mul(3f);
                    // a and b each get a second gradient, before or after the one from AddOneTensor.
                    Tensor others = a.mul(vector(5f, 7f))
                            .sum()
                            .add(b.mul(vector(11f, 13f)).sum());
                    sum(swap, new AddOneTensor().apply(a, b).sum(), others).backward();
                }
                String where = "workspace " + inWorkspace + ", swapped " + swap;
                assertArrayEquals(new float[] {2f * 6f, 2f * 8f}, xa.grad().data(), where);
                assertArrayEquals(new float[] {3f * 12f, 3f * 14f}, xb.grad().data(), where);
            }
        }
    }

    @Test
    void aGradientTheBackwardMadeReachesItsProducerWithoutACopy() {
        Tensor x = leaf(1f, -2f);
        Spy spy = new Spy();
        Twice twice = new Twice();
        twice.apply(spy.apply(x)).mul(vector(3f, 4f)).sum().backward();
        assertSame(twice.made, spy.seen);
        assertArrayEquals(new float[] {6f, 8f}, x.grad().data());
    }

    @Test
    void aGradientTakenOverInAWorkspaceGoesBackToThePoolWhenTheScopeCloses() {
        Tensor x = leaf(1f, -2f);
        Spy spy = new Spy();
        Twice twice = new Twice();
        long pooled;
        try (Workspace ws = Workspace.open()) {
            twice.apply(spy.apply(x)).mul(vector(3f, 4f)).sum().backward();
            assertSame(twice.made, spy.seen);
            pooled = Workspace.pooledFloats();
        }
        assertThrows(IllegalStateException.class, () -> twice.made.data());
        assertArrayEquals(new float[] {6f, 8f}, x.grad().data());
        try (Workspace ws = Workspace.open()) {
            new Twice().apply(new Spy().apply(x)).mul(vector(3f, 4f)).sum().backward();
        }
        assertEquals(pooled, Workspace.pooledFloats(), "the second step took new arrays");
        Workspace.trim();
    }

    @Test
    void oneNewTensorReturnedTwiceForTheSameInputCountsTwice() {
        Tensor x = leaf(1f, -2f);
        Tensor a = x.mul(2f);
        new AddOneTensor().apply(a, a).mul(vector(3f, 4f)).sum().backward();
        assertArrayEquals(new float[] {2f * 2f * 3f, 2f * 2f * 4f}, x.grad().data());
    }

    @Test
    void aGradientReturnedAsGivenIsNotChangedByLaterAccumulation() {
        for (boolean swap : new boolean[] {false, true}) {
            Tensor x = leaf(1f, -2f);
            Tensor a = x.mul(2f);
            Spy spy = new Spy();
            sum(
                            swap,
                            spy.apply(a).mul(vector(3f, 4f)).sum(),
                            a.mul(vector(5f, 7f)).sum())
                    .backward();
            assertArrayEquals(new float[] {3f, 4f}, spy.seen.data(), "the gradient the spy was given, swapped " + swap);
            assertArrayEquals(new float[] {2f * 8f, 2f * 11f}, x.grad().data(), "swapped " + swap);
        }
    }

    @Test
    void aTensorAFunctionKeepsAndWritesAgainIsCopiedWhenReturned() {
        for (boolean swap : new boolean[] {false, true}) {
            Tensor x = leaf(1f, -2f);
            Tensor a = x.mul(2f);
            Tensor buffer = Tensor.zeros(2);
            // Both calls write their gradient into buffer; the second must not change the first's.
            Tensor p = new ScaleIntoSharedBuffer(buffer, 5f).apply(a);
            Tensor q = new ScaleIntoSharedBuffer(buffer, 7f).apply(a);
            sum(swap, p.mul(vector(1f, 2f)).sum(), q.mul(vector(3f, 4f)).sum()).backward();
            assertArrayEquals(
                    new float[] {2f * (5f + 21f), 2f * (10f + 28f)}, x.grad().data(), "swapped " + swap);
        }
    }
}

package com.example.gradlab;

import static dev.gradlab.testing.GradientAssertions.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.testing.TensorArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;

/** The user's activation holds its formula, and its backward agrees with finite differences. */
class SiluTest {

    @Property(tries = 200)
    void valueIsXTimesSigmoid(@ForAll @FloatRange(min = -30, max = 30) float x) {
        float y = new Silu().apply(Tensor.of(new float[] {x}, 1)).item();
        double expected = x / (1 + Math.exp(-x));
        assertEquals(expected, y, 1e-6 * Math.max(1, Math.abs(expected)));
    }

    @Property(tries = 100)
    void backwardMatchesFiniteDifferences(@ForAll("inputs") Tensor x) {
        assertGradient(Silu::new, x);
    }

    /** The check can fail: a backward that forgets the product rule (σ(x) alone) is caught with its element. */
    @Example
    void aWrongBackwardIsCaught() {
        Tensor x = Tensor.uniform(3, -4, 4, 4, 8);
        AssertionError e = assertThrows(AssertionError.class, () -> assertGradient(SiluWithoutProductRule::new, x));
        assertTrue(e.getMessage().startsWith("gradient check failed (32 elements); worst: input 0 [4, 8] at index ["),
                e.getMessage());
    }

    @Provide
    Arbitrary<Tensor> inputs() {
        return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 3, 8), -6, 6);
    }

    /** SiLU's forward with the derivative of x·σ(x) taken as σ(x). */
    static final class SiluWithoutProductRule extends Function {

        @Override
        protected Tensor forward(Tensor... inputs) {
            saveForBackward(inputs[0]);
            return inputs[0].mul(inputs[0].sigmoid());
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            Tensor s = saved(0).sigmoid();
            Tensor gx = newTensorLike(s);
            for (int i = 0; i < gx.size(); i++) {
                gx.data()[i] = gradOutput.data()[i] * s.data()[i];
            }
            return new Tensor[] {gx};
        }
    }
}

package dev.gradlab.testing;

import static dev.gradlab.testing.GradientAssertions.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.ops.ReLUFunction;
import dev.gradlab.core.ops.SigmoidFunction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The default tolerance passes correct backwards and catches backwards 0.5% wrong on smooth ops,
 * on inputs where the gradient does not vanish; a failure names the element, both values and the error.
 */
class GradientAssertionsTest {

    private static final double WRONG = 1.005;

    @Property(tries = 100)
    void sigmoid(@ForAll("central") Tensor x) {
        assertGradient(SigmoidFunction::new, x);
        assertGradient(xs -> SmoothOps.scaled(1, xs[0].sigmoid()), x);
        assertThrows(AssertionError.class, () -> assertGradient(xs -> SmoothOps.scaled(WRONG, xs[0].sigmoid()), x));
    }

    @Property(tries = 100)
    void tanh(@ForAll("central") Tensor x) {
        assertGradient(xs -> xs[0].tanh(), x);
        assertThrows(AssertionError.class, () -> assertGradient(xs -> SmoothOps.scaled(WRONG, xs[0].tanh()), x));
    }

    /** SiLU's derivative vanishes near x = -1.28, where no relative check can see 0.5%: inputs stay right of it. */
    @Property(tries = 100)
    void silu(@ForAll("siluRising") Tensor x) {
        assertGradient(xs -> xs[0].mul(xs[0].sigmoid()), x);
        assertThrows(
                AssertionError.class,
                () -> assertGradient(xs -> SmoothOps.scaled(WRONG, xs[0].mul(xs[0].sigmoid())), x));
    }

    @Property(tries = 100)
    void mulOfTwoInputs(@ForAll("central") Tensor x) {
        Tensor y = Tensor.uniform(x.size(), 0.5f, 2, x.shape());
        assertGradient(xs -> xs[0].mul(xs[1]), x, y);
        assertThrows(AssertionError.class, () -> assertGradient(xs -> SmoothOps.scaled(WRONG, xs[0].mul(xs[1])), x, y));
    }

    @Property(tries = 100)
    void matmul(
            @ForAll @IntRange(min = 1, max = 8) int m,
            @ForAll @IntRange(min = 1, max = 16) int k,
            @ForAll @IntRange(min = 1, max = 8) int n,
            @ForAll long seed) {
        Tensor a = Tensor.uniform(seed, -1, 1, m, k);
        Tensor b = Tensor.uniform(seed + 1, -1, 1, k, n);
        assertGradient(xs -> xs[0].matmul(xs[1]), a, b);
        assertThrows(
                AssertionError.class, () -> assertGradient(xs -> SmoothOps.scaled(WRONG, xs[0].matmul(xs[1])), a, b));
    }

    @Property(tries = 50)
    void mlpWithCrossEntropy(@ForAll @IntRange(min = 1, max = 8) int rows, @ForAll boolean tanh, @ForAll long seed) {
        Tensor x = Tensor.uniform(seed, -2, 2, rows, 6);
        int[] labels = new java.util.SplittableRandom(seed).ints(rows, 0, 3).toArray();
        assertGradient(SmoothOps.mlp(seed, tanh, 1), x, labels);
        assertThrows(AssertionError.class, () -> assertGradient(SmoothOps.mlp(seed, tanh, WRONG), x, labels));
    }

    /** ReLU passes away from its kink: the arbitrary keeps every element out of reach of the differences. */
    @Property(tries = 100)
    void reluAwayFromItsKink(@ForAll("nearZero") Tensor x) {
        assertGradient(ReLUFunction::new, x);
    }

    @Example
    void aFailureNamesTheElementBothValuesAndTheError() {
        Tensor x = Tensor.of(new float[] {0.5f, -0.25f, 1f}, 3);
        AssertionError e =
                assertThrows(AssertionError.class, () -> assertGradient(xs -> SmoothOps.scaled(1.01, xs[0].tanh()), x));
        String m = e.getMessage();
        assertTrue(m.startsWith("gradient check failed (3 elements); worst: input 0 [3] at index ["), m);
        assertTrue(
                m.contains(": backward gives ")
                        && m.contains(", finite differences give ")
                        && m.contains("(relative error ")
                        && m.endsWith(" > tolerance 0.002)"),
                m);
    }

    /** Why the kit has its own defaults: GradCheck's (tolerance 1e-2, step 1e-2) let this wrong backward pass. */
    @Example
    void gradCheckDefaultsMissWhatTheKitCatches() {
        Tensor x = Tensor.uniform(7, -1.5f, 1.5f, 4, 5);
        GradientAssertions.Expression wrong = xs -> SmoothOps.scaled(WRONG, xs[0].tanh());
        assertTrue(assertGradient(GradCheck.Options.DEFAULTS, wrong, x).passed());
        assertThrows(AssertionError.class, () -> assertGradient(wrong, x));
    }

    @Example
    void theCallersTensorsAreLeftAsTheyWere() {
        Tensor x = Tensor.of(new float[] {0.5f, -0.25f}, 2);
        assertGradient(SigmoidFunction::new, x);
        assertEquals(false, x.requiresGrad());
        assertEquals(null, x.grad());
    }

    @Provide
    Arbitrary<Tensor> central() {
        return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 2, 12), -1.5f, 1.5f);
    }

    @Provide
    Arbitrary<Tensor> siluRising() {
        return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 2, 12), -0.5f, 1.5f);
    }

    @Provide
    Arbitrary<Tensor> nearZero() {
        return TensorArbitraries.awayFromKinks(
                TensorArbitraries.tensors(TensorArbitraries.shapes(1, 2, 12), -0.5f, 0.5f), 0f);
    }
}

package com.example.gradlab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/** The user's activation holds its formula and its backward agrees with finite differences. */
class SiluTest {

    @Property(tries = 200)
    void valueIsXTimesSigmoid(@ForAll @FloatRange(min = -30, max = 30) float x) {
        float y = new Silu().apply(Tensor.of(new float[] {x}, 1)).item();
        double expected = x / (1 + Math.exp(-x));
        assertEquals(expected, y, 1e-6 * Math.max(1, Math.abs(expected)));
    }

    /** The gradient of a weighted sum of SiLU's outputs, so that every element gets its own upstream gradient. */
    @Property(tries = 50)
    void backwardMatchesFiniteDifferences(@ForAll("inputs") Tensor x, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        x.requiresGrad(true);
        Tensor w = Tensor.uniform(seed, -1, 1, x.shape());
        GradCheck.check(() -> new Silu().apply(x).mul(w).sum(), x).orThrow();
    }

    @Provide
    Arbitrary<Tensor> inputs() {
        Arbitrary<Integer> rows = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> cols = Arbitraries.integers().between(1, 40);
        return Combinators.combine(rows, cols, Arbitraries.longs()).as((r, c, s) -> Tensor.uniform(s, -5, 5, r, c));
    }
}

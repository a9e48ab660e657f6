package dev.gradlab.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TensorArbitrariesTest {

    @Property
    void shapesStayInTheirBounds(@ForAll("shapes") int[] shape) {
        assertTrue(shape.length >= 1 && shape.length <= 3, Arrays.toString(shape));
        assertTrue(Arrays.stream(shape).allMatch(d -> d >= 1 && d <= 5), Arrays.toString(shape));
    }

    @Property
    void tensorsHaveTheirShapeAndRange(@ForAll("tensors") Tensor t) {
        assertEquals(Arrays.stream(t.shape()).reduce(1, (a, b) -> a * b), t.size());
        for (float v : t.data()) {
            assertTrue(v >= -2 && v <= 3, "value " + v);
        }
    }

    @Property
    void awayFromKinksKeepsTheMargin(@ForAll("kinked") Tensor t) {
        for (float v : t.data()) {
            assertTrue(Math.abs(v) >= TensorArbitraries.KINK_MARGIN, "value " + v + " near the kink at 0");
            assertTrue(Math.abs(v - 1) >= TensorArbitraries.KINK_MARGIN, "value " + v + " near the kink at 1");
        }
    }

    @Example
    void badBoundsAreRefusedWithTheirValues() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TensorArbitraries.shapes(2, 1, 4));
        assertEquals(
                "shapes need 0 <= minRank <= maxRank and maxDim >= 1, got minRank=2, maxRank=1, maxDim=4",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> TensorArbitraries.tensors(TensorArbitraries.shapes(1, 1, 1), 1, 0));
        assertEquals("tensors need finite lo <= hi, got lo=1.0, hi=0.0", e.getMessage());
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorArbitraries.shapes(1, 3, 5);
    }

    @Provide
    Arbitrary<Tensor> tensors() {
        return TensorArbitraries.tensors(TensorArbitraries.shapes(0, 3, 6), -2, 3);
    }

    @Provide
    Arbitrary<Tensor> kinked() {
        return TensorArbitraries.awayFromKinks(
                TensorArbitraries.tensors(TensorArbitraries.shapes(1, 2, 8), -1, 2), 0, 1);
    }
}

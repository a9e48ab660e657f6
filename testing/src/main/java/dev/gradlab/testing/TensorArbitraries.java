package dev.gradlab.testing;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * jqwik generators of tensor shapes, tensors and inputs for gradient checks:
 *
 * <pre>{@code
 * @Property
 * void siluBackward(@ForAll("inputs") Tensor x) {
 *     GradientAssertions.assertGradient(() -> new Silu(), x);
 * }
 *
 * @Provide
 * Arbitrary<Tensor> inputs() {
 *     return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 3, 8), -4, 4);
 * }
 * }</pre>
 *
 * Values shrink towards smaller shapes and towards 0, so a failure is reported on a small tensor.
 */
public final class TensorArbitraries {

    /**
     * How far {@link #awayFromKinks} keeps each element from a kink: three times
     * {@link GradientAssertions#DEFAULT_EPS}, since the check evaluates the loss up to {@code 2h} away.
     */
    public static final float KINK_MARGIN = (float) (3 * GradientAssertions.DEFAULT_EPS);

    private TensorArbitraries() {}

    /**
     * Shapes of rank {@code minRank} to {@code maxRank} with every dimension in {@code [1, maxDim]}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= minRank <= maxRank} and {@code maxDim >= 1}
     */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxDim) {
        if (minRank < 0 || maxRank < minRank || maxDim < 1) {
            throw new IllegalArgumentException("shapes need 0 <= minRank <= maxRank and maxDim >= 1, got minRank="
                    + minRank + ", maxRank=" + maxRank + ", maxDim=" + maxDim);
        }
        return Arbitraries.integers()
                .between(1, maxDim)
                .list()
                .ofMinSize(minRank)
                .ofMaxSize(maxRank)
                .map(dims -> dims.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Tensors of one shape with elements uniform in {@code [lo, hi]} (jqwik's float edge cases included). */
    public static Arbitrary<Tensor> tensors(float lo, float hi, int... shape) {
        return tensors(Arbitraries.just(shape.clone()), lo, hi);
    }

    /**
     * Tensors of the generated shapes with elements in {@code [lo, hi]}.
     *
     * @throws IllegalArgumentException unless {@code lo <= hi}, both finite
     */
    public static Arbitrary<Tensor> tensors(Arbitrary<int[]> shapes, float lo, float hi) {
        if (!(lo <= hi) || !Float.isFinite(lo) || !Float.isFinite(hi)) {
            throw new IllegalArgumentException("tensors need finite lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        return shapes.flatMap(shape -> {
            int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            return Arbitraries.floats()
                    .between(lo, hi)
                    .array(float[].class)
                    .ofSize(size)
                    .map(values -> Tensor.of(values, shape));
        });
    }

    /**
     * The generated tensors with every element at least {@link #KINK_MARGIN} away from each of
     * {@code kinks}, for ops whose derivative jumps there (ReLU's and ReQU's at 0): see
     * {@link #awayFromKinks(float, Arbitrary, float...)}.
     */
    public static Arbitrary<Tensor> awayFromKinks(Arbitrary<Tensor> tensors, float... kinks) {
        return awayFromKinks(KINK_MARGIN, tensors, kinks);
    }

    /**
     * The generated tensors with every element at least {@code margin} away from each of
     * {@code kinks}: an element closer than that is pushed out to {@code kink ± margin}, on its own side
     * (or the upper one at the kink itself). Kinks should be more than {@code 2·margin} apart.
     *
     * @throws IllegalArgumentException when {@code margin} is not positive and finite
     */
    public static Arbitrary<Tensor> awayFromKinks(float margin, Arbitrary<Tensor> tensors, float... kinks) {
        if (!(margin > 0) || !Float.isFinite(margin)) {
            throw new IllegalArgumentException("awayFromKinks needs a positive finite margin, got " + margin);
        }
        float[] points = kinks.clone();
        return tensors.map(t -> {
            float[] values = t.data().clone();
            for (int i = 0; i < values.length; i++) {
                for (float kink : points) {
                    float d = values[i] - kink;
                    if (Math.abs(d) < margin) {
                        float v = d < 0 ? kink - margin : kink + margin;
                        while (Math.abs(v - kink) < margin) { // kink ± margin can round back inside
                            v = d < 0 ? Math.nextDown(v) : Math.nextUp(v);
                        }
                        values[i] = v;
                    }
                }
            }
            return Tensor.of(values, t.shape());
        });
    }

    /** Class labels in {@code [0, classes)}, one per row of a batch of {@code rows}. */
    public static Arbitrary<int[]> labels(int rows, int classes) {
        if (rows < 1 || classes < 1) {
            throw new IllegalArgumentException(
                    "labels need rows >= 1 and classes >= 1, got rows=" + rows + ", classes=" + classes);
        }
        return Arbitraries.integers().between(0, classes - 1).array(int[].class).ofSize(rows);
    }
}

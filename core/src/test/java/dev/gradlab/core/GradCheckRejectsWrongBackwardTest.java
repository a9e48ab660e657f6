package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.simd.Blas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Proof that the gradient properties can fail: GradCheck rejects deliberately wrong backwards. */
class GradCheckRejectsWrongBackwardTest {

    /** ReQU whose backward forgets the factor 2: gives g·x instead of g·2x. */
    static final class ReQUWithoutFactorTwo extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            Tensor z = newTensorLike(x);
            for (int i = 0; i < x.size(); i++) {
                float v = x.data()[i];
                z.data()[i] = v > 0 ? v * v : 0f;
            }
            saveForBackward(x);
            return z;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor x = saved(0);
            Tensor gx = newTensorLike(x);
            for (int i = 0; i < x.size(); i++) {
                float v = x.data()[i];
                gx.data()[i] = v > 0 ? g.data()[i] * v : 0f;
            }
            return new Tensor[] {gx};
        }
    }

    /** y = x Wᵀ whose weight gradient is transposed: (gᵀ x)ᵀ = xᵀ g instead of gᵀ x (W square). */
    static final class LinearWithTransposedWeightGradient extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            Tensor w = in[1];
            int batch = x.dim(0);
            int n = w.dim(0);
            Tensor y = newTensor(batch, n);
            Blas.sgemm(false, true, batch, n, n, 1f, x.data(), 0, n, w.data(), 0, n, 0f, y.data(), 0, n);
            saveForBackward(x, w);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor x = saved(0);
            Tensor w = saved(1);
            int batch = x.dim(0);
            int n = w.dim(0);
            Tensor gx = newTensorLike(x);
            Blas.sgemm(false, false, batch, n, n, 1f, g.data(), 0, n, w.data(), 0, n, 0f, gx.data(), 0, n);
            Tensor gw = newTensorLike(w);
            Blas.sgemm(true, false, n, n, batch, 1f, x.data(), 0, n, g.data(), 0, n, 0f, gw.data(), 0, n);
            return new Tensor[] {gx, gw};
        }
    }

    /** An MLP layer using the wrong Function, so the bug sits inside a whole network. */
    record WrongLinear(Tensor weight) implements Module {
        @Override
        public Tensor forward(Tensor x) {
            return new LinearWithTransposedWeightGradient().apply(x, weight);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(weight);
        }
    }

    @Test
    void reQUWithoutTheFactorTwoIsRejectedAndTheFailureSaysWhere() {
        Tensor x = Tensor.of(new float[] {0.5f, -0.7f, 1.5f, 0.9f}, 2, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {0.3f, -1.1f, 0.8f, 0.6f}, 2, 2);
        GradCheck.Result result = GradCheck.check(
                () -> new ReQUWithoutFactorTwo().apply(x).mul(w).sum(),
                Map.of("activation input", x),
                GradCheck.Options.DEFAULTS);

        assertFalse(result.passed(), result::describe);
        // Half the true gradient: relative error 0.5 at a positive element.
        assertEquals(0.5, result.error(), 1e-3);
        assertTrue(x.data()[result.index()[0] * 2 + result.index()[1]] > 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, result::orThrow);
        assertTrue(e.getMessage().contains("activation input"), e.getMessage());
        assertTrue(
                e.getMessage().contains("at index [" + result.index()[0] + ", " + result.index()[1] + "]"),
                e.getMessage());
        assertTrue(e.getMessage().contains(Double.toString(result.analytic())), e.getMessage());
        assertTrue(e.getMessage().contains(Double.toString(result.numerical())), e.getMessage());
    }

    @Property(tries = 20)
    void reQUWithoutTheFactorTwoIsRejectedOnAnyShape(
            @ForAll @IntRange(min = 1, max = 5) int rows,
            @ForAll @IntRange(min = 1, max = 5) int cols,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = Checks.uniform(random, 0.1, 2, rows, cols).requiresGrad(true); // positive: the bug shows
        Tensor w = Checks.awayFromZero(random, 0.5, 1, rows, cols);
        GradCheck.Result result =
                GradCheck.check(() -> new ReQUWithoutFactorTwo().apply(x).mul(w).sum(), x);
        assertFalse(result.passed(), result::describe);
    }

    @Property(tries = 20)
    void linearWithATransposedWeightGradientIsRejectedInAnMlp(
            @ForAll @IntRange(min = 2, max = 6) int n,
            @ForAll @IntRange(min = 1, max = 4) int batch,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor weight = Checks.uniform(random, -1, 1, n, n).requiresGrad(true);
        Linear output = new Linear(n, 3, true, seed);
        Module model = new Sequential(new WrongLinear(weight), new Sigmoid(), output);
        Tensor x = Checks.uniform(random, -1, 1, batch, n);
        int[] labels = random.ints(batch, 0, 3).toArray();
        // The bug shows only where the true weight gradient G differs from Gᵀ by more than the
        // checker resolves (tolerance × floor = 1e-4 absolute): skip the rare nearly symmetric G.
        Losses.crossEntropy(output.forward(x.matmul(weight, false, true).sigmoid()), labels)
                .backward();
        Assume.that(maxAsymmetry(weight.grad().data(), n) > 1e-3);
        weight.zeroGrad();
        output.parameters().forEach(Tensor::zeroGrad);
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("hidden weight", weight);
        named.put("output weight", model.parameters().get(1));
        GradCheck.Result result =
                GradCheck.check(() -> Losses.crossEntropy(model.forward(x), labels), named, GradCheck.Options.DEFAULTS);
        assertFalse(result.passed(), result::describe);
        assertEquals("hidden weight", result.tensor(), result::describe);
    }

    private static double maxAsymmetry(float[] g, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                max = Math.max(max, Math.abs(g[i * n + j] - g[j * n + i]));
            }
        }
        return max;
    }

    @Test
    void theCorrectReQUPassesTheSameCheck() {
        Tensor x = Tensor.of(new float[] {0.5f, -0.7f, 1.5f, 0.9f}, 2, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {0.3f, -1.1f, 0.8f, 0.6f}, 2, 2);
        GradCheck.Result result =
                GradCheck.check(() -> x.requ().mul(w).sum(), x).orThrow();
        assertEquals(4, result.checked());
    }

    @Test
    void largeTensorsAreCheckedOnASeededSubset() {
        Tensor x = Tensor.uniform(1, -1, 1, 50, 40).requiresGrad(true);
        var options = GradCheck.Options.DEFAULTS.withMaxElements(30).withSeed(5);
        GradCheck.Result a = GradCheck.check(() -> x.tanh().sum(), Map.of("x", x), options);
        GradCheck.Result b = GradCheck.check(() -> x.tanh().sum(), Map.of("x", x), options);
        assertTrue(a.passed(), a::describe);
        assertEquals(30, a.checked());
        // The same seed picks the same subset, so the same worst element.
        assertArrayEquals(a.index(), b.index());
        assertEquals(a.numerical(), b.numerical());
    }

    @Test
    void aTensorThatDoesNotRequireAGradientIsAnError() {
        Tensor x = Tensor.zeros(2);
        var e = assertThrows(IllegalArgumentException.class, () -> GradCheck.check(() -> x.sum(), x));
        assertTrue(e.getMessage().contains("tensor 0 [2]"), e.getMessage());
    }
}

package dev.gradlab.core;

import dev.gradlab.core.nn.Module;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Checks backward against finite differences, like PyTorch's {@code gradcheck} but for float32.
 *
 * <p>For each checked element {@code x} of each tensor, the loss is evaluated (without recording)
 * at {@code x ± h} and {@code x ± 2h}, and the two central differences are combined by Richardson
 * extrapolation, {@code (4·D(h) − D(2h)) / 3}, whose error is O(h⁴) instead of O(h²). That lets
 * the step be large, {@value #DEFAULT_EPS}, where the float32 rounding noise of the loss (about
 * 1e-7 relative) divided by the step stays near 1e-5. The differencing itself is done in double,
 * dividing by the steps actually taken ({@code (float) (x + h) − x}, exact in double), not the
 * nominal ones.
 *
 * <p>An element passes when its error,
 * {@code max(0, |analytic − numerical| − noise) / max(|analytic|, |numerical|, floor)}, is at most
 * {@code tolerance}: a relative error, with an absolute floor so that gradients near zero are
 * compared absolutely ({@value #DEFAULT_TOLERANCE} relative, so {@code tolerance · floor} = 1e-4
 * absolute by default). {@code noise = noiseUlps · ulp(L) / h} is the part of the difference that
 * float32 rounding of the loss L alone can explain: a float loss carries a few ulps of rounding from
 * its sums, and the difference quotient magnifies it by 1/h (for L ≈ 2.3, about 2e-4). Inputs must
 * stay at least {@code 2h} away from kinks such as ReLU's at 0.
 *
 * <p>Tensors with more than {@code maxElements} elements are checked on a random subset drawn from
 * the seed; smaller ones on every element. Checking clears the tensors' gradients and then leaves
 * them holding the analytic gradient.
 */
public final class GradCheck {

    /** The default step h. */
    public static final double DEFAULT_EPS = 1e-2;
    /** The default relative tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-2;
    /** The default absolute floor of the relative error's denominator. */
    public static final double DEFAULT_FLOOR = 1e-2;
    /** The default allowance, in ulps of the loss, for float32 rounding of the loss. */
    public static final double DEFAULT_NOISE_ULPS = 8;
    /** The default number of elements checked per tensor before sampling. */
    public static final int DEFAULT_MAX_ELEMENTS = 64;

    private GradCheck() {}

    /** Step, tolerances and sampling of a check. */
    public record Options(double eps, double tolerance, double floor, double noiseUlps, int maxElements, long seed) {

        /**
         * {@link #DEFAULT_EPS}, {@link #DEFAULT_TOLERANCE}, {@link #DEFAULT_FLOOR},
         * {@link #DEFAULT_NOISE_ULPS}, {@link #DEFAULT_MAX_ELEMENTS}, seed 0.
         */
        public static final Options DEFAULTS = new Options(
                DEFAULT_EPS, DEFAULT_TOLERANCE, DEFAULT_FLOOR, DEFAULT_NOISE_ULPS, DEFAULT_MAX_ELEMENTS, 0L);

        public Options {
            if (!(eps > 0) || !(tolerance > 0) || !(floor > 0) || !(noiseUlps >= 0) || maxElements < 1) {
                throw new IllegalArgumentException("GradCheck options need eps, tolerance, floor > 0, noiseUlps >= 0"
                        + " and maxElements >= 1, got eps=" + eps + ", tolerance=" + tolerance + ", floor=" + floor
                        + ", noiseUlps=" + noiseUlps + ", maxElements=" + maxElements);
            }
        }

        public Options withEps(double value) {
            return new Options(value, tolerance, floor, noiseUlps, maxElements, seed);
        }

        public Options withTolerance(double value) {
            return new Options(eps, value, floor, noiseUlps, maxElements, seed);
        }

        public Options withFloor(double value) {
            return new Options(eps, tolerance, value, noiseUlps, maxElements, seed);
        }

        public Options withMaxElements(int value) {
            return new Options(eps, tolerance, floor, noiseUlps, value, seed);
        }

        public Options withSeed(long value) {
            return new Options(eps, tolerance, floor, noiseUlps, maxElements, value);
        }
    }

    /**
     * The outcome: how many elements were checked and the worst one (largest error), which is the
     * failing one when the check failed.
     */
    public record Result(
            int checked,
            String tensor,
            int[] index,
            double analytic,
            double numerical,
            double error,
            double tolerance) {

        public boolean passed() {
            return error <= tolerance;
        }

        /** Returns this when passed, else throws {@link IllegalStateException} with {@link #describe()}. */
        public Result orThrow() {
            if (!passed()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }

        /** Names the worst element: tensor, index, both values and the error. */
        public String describe() {
            return "gradient check " + (passed() ? "passed" : "failed") + " (" + checked + " elements); worst: "
                    + tensor + " at index " + Arrays.toString(index) + ": backward gives " + analytic
                    + ", finite differences give " + numerical + " (relative error " + error
                    + (passed() ? " <= " : " > ") + "tolerance " + tolerance + ")";
        }
    }

    /** {@link #check(Supplier, Map, Options)} with the tensors named "tensor 0", "tensor 1", …, and default options. */
    public static Result check(Supplier<Tensor> loss, Tensor... tensors) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < tensors.length; i++) {
            named.put("tensor " + i + " " + Arrays.toString(tensors[i].shape()), tensors[i]);
        }
        return check(loss, named, Options.DEFAULTS);
    }

    /** {@link #check(Module, Tensor, int[], Options)} with default options. */
    public static Result check(Module model, Tensor x, int[] labels) {
        return check(model, x, labels, Options.DEFAULTS);
    }

    /**
     * Checks the gradient of the mean cross-entropy of {@code model} on {@code (x, labels)} with
     * respect to every parameter, named "parameter i [shape]" in {@link Module#parameters()} order.
     */
    public static Result check(Module model, Tensor x, int[] labels, Options options) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            named.put("parameter " + i + " " + Arrays.toString(params.get(i).shape()), params.get(i));
        }
        return check(() -> Losses.crossEntropy(model.forward(x), labels), named, options);
    }

    /**
     * Checks the gradient of the one-element tensor {@code loss.get()} with respect to each named
     * tensor, which must require a gradient.
     *
     * @throws IllegalArgumentException when a tensor does not require a gradient or the loss is not
     *     one element
     */
    public static Result check(Supplier<Tensor> loss, Map<String, Tensor> tensors, Options options) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (!e.getValue().requiresGrad() || !e.getValue().isLeaf()) {
                throw new IllegalArgumentException(
                        "GradCheck: " + e.getKey() + " must be a leaf that requires a gradient");
            }
            e.getValue().setGrad(null);
        }
        Tensor value = loss.get();
        if (value.size() != 1) {
            throw new IllegalArgumentException(
                    "GradCheck: the loss must have one element, shape is " + Arrays.toString(value.shape()));
        }
        double noise = options.noiseUlps() * Math.ulp(Math.abs(value.item())) / options.eps();
        value.backward();

        Result worst = null;
        int checked = 0;
        SplittableRandom random = new SplittableRandom(options.seed());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            float[] analytic =
                    t.grad() == null ? new float[t.size()] : t.grad().data().clone();
            for (int index : chooseIndices(t.size(), options.maxElements(), random)) {
                double numerical = numericalDerivative(loss, t.data(), index, options.eps());
                double a = analytic[index];
                double denominator = Math.max(options.floor(), Math.max(Math.abs(a), Math.abs(numerical)));
                double error = Math.max(0, Math.abs(a - numerical) - noise) / denominator;
                if (Double.isNaN(error)) {
                    error = Double.POSITIVE_INFINITY;
                }
                checked++;
                if (worst == null || error > worst.error()) {
                    worst = new Result(
                            0, e.getKey(), unravel(index, t.shape()), a, numerical, error, options.tolerance());
                }
            }
        }
        if (worst == null) {
            return new Result(0, "none", new int[0], 0, 0, 0, options.tolerance());
        }
        return new Result(
                checked,
                worst.tensor(),
                worst.index(),
                worst.analytic(),
                worst.numerical(),
                worst.error(),
                worst.tolerance());
    }

    /** Richardson-extrapolated central difference of the loss in element {@code index} of {@code data}. */
    private static double numericalDerivative(Supplier<Tensor> loss, float[] data, int index, double h) {
        double d1 = centralDifference(loss, data, index, h);
        double d2 = centralDifference(loss, data, index, 2 * h);
        return (4 * d1 - d2) / 3;
    }

    private static double centralDifference(Supplier<Tensor> loss, float[] data, int index, double h) {
        float original = data[index];
        float up = (float) (original + h);
        float down = (float) (original - h);
        try (var scope = Tape.noGrad()) {
            data[index] = up;
            double fUp = loss.get().item();
            data[index] = down;
            double fDown = loss.get().item();
            return (fUp - fDown) / ((double) up - (double) down);
        } finally {
            data[index] = original;
        }
    }

    /** All indices when there are few enough, else a sorted random subset of {@code max} distinct ones. */
    private static int[] chooseIndices(int size, int max, SplittableRandom random) {
        if (size <= max) {
            int[] all = new int[size];
            Arrays.setAll(all, i -> i);
            return all;
        }
        // Floyd's algorithm: max distinct indices without materialising all of them.
        TreeSet<Integer> chosen = new TreeSet<>();
        for (int j = size - max; j < size; j++) {
            int r = random.nextInt(j + 1);
            chosen.add(chosen.contains(r) ? j : r);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            index[axis] = shape[axis] == 0 ? 0 : flat % shape[axis];
            flat = shape[axis] == 0 ? flat : flat / shape[axis];
        }
        return shape.length == 0 ? new int[] {0} : index;
    }
}

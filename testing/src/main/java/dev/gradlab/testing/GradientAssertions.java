package dev.gradlab.testing;

import dev.gradlab.core.Function;
import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Assertions that a backward agrees with finite differences, for tests of a user's {@link Function},
 * any expression of tensors, or a model. A failure is an {@link AssertionError} that names the worst
 * element (input or parameter, index), the backward's value, the finite differences' value and the
 * error against the tolerance.
 *
 * <p>The check is {@link GradCheck}'s (Richardson-extrapolated central differences in float32) with
 * defaults chosen from measurements (docs/testing.md): step {@link #DEFAULT_EPS}, tolerance
 * {@link #DEFAULT_TOLERANCE}, floor {@link #DEFAULT_FLOOR}. On smooth ops a correct backward stays
 * well below the tolerance, and one that is 0.5% wrong lands above it wherever some element's
 * gradient is at least the floor; a gradient that vanishes everywhere (a sigmoid deep in its tails)
 * cannot show a 0.5% error through float32 differences at all. Inputs must stay {@code 2h} away
 * from kinks ({@link TensorArbitraries#awayFromKinks}).
 *
 * <p>A function's output is reduced to a scalar as {@code Σ w ⊙ f(inputs)} with fixed weights
 * {@code w} of random sign and magnitude in [1, 2], so that every output element gets its own
 * upstream gradient and an error that only shows with a non-uniform gradient is caught too.
 */
public final class GradientAssertions {

    /**
     * The step h of the finite differences, five times {@link GradCheck#DEFAULT_EPS}: with Richardson
     * extrapolation the truncation error stays negligible on smooth ops, while float32 rounding of the
     * loss, divided by h, drops fivefold.
     */
    public static final double DEFAULT_EPS = 0.05;
    /** The default relative tolerance, chosen so that a backward 0.5% wrong fails on smooth ops. */
    public static final double DEFAULT_TOLERANCE = 2e-3;
    /** Gradients smaller than this are compared absolutely, as if they were this large. */
    public static final double DEFAULT_FLOOR = 0.1;
    /** {@link GradCheck.Options#DEFAULTS} with {@link #DEFAULT_EPS}, {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_FLOOR}. */
    public static final GradCheck.Options DEFAULTS = GradCheck.Options.DEFAULTS
            .withEps(DEFAULT_EPS)
            .withTolerance(DEFAULT_TOLERANCE)
            .withFloor(DEFAULT_FLOOR);

    private GradientAssertions() {}

    /** A differentiable expression of its inputs, for instance {@code xs -> new Silu().apply(xs[0])}. */
    @FunctionalInterface
    public interface Expression {
        /** The output, computed from the inputs by recorded ops. */
        Tensor apply(Tensor... inputs);
    }

    /**
     * Asserts the backward of a new {@code function.get()} per evaluation at {@code inputs} (a
     * Function instance is the context of one call, hence the supplier).
     */
    public static GradCheck.Result assertGradient(Supplier<? extends Function> function, Tensor... inputs) {
        return assertGradient(DEFAULTS, function, inputs);
    }

    /** {@link #assertGradient(Supplier, Tensor...)} with other options. */
    public static GradCheck.Result assertGradient(
            GradCheck.Options options, Supplier<? extends Function> function, Tensor... inputs) {
        return assertGradient(options, xs -> function.get().apply(xs), inputs);
    }

    /** Asserts the gradient of {@code expression} with respect to each of {@code inputs}. */
    public static GradCheck.Result assertGradient(Expression expression, Tensor... inputs) {
        return assertGradient(DEFAULTS, expression, inputs);
    }

    /**
     * Asserts the gradient of {@code Σ w ⊙ expression(inputs)} with respect to each input, named
     * "input i [shape]". The inputs are copied: the caller's tensors are neither marked nor changed.
     *
     * @throws IllegalArgumentException when there is no input
     */
    public static GradCheck.Result assertGradient(GradCheck.Options options, Expression expression, Tensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("assertGradient needs at least one input");
        }
        Tensor[] leaves = new Tensor[inputs.length];
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = inputs[i].copy().requiresGrad(true);
            named.put("input " + i + " " + Arrays.toString(inputs[i].shape()), leaves[i]);
        }
        int[] outputShape;
        try (var scope = Tape.noGrad()) {
            outputShape = expression.apply(leaves).shape();
        }
        Tensor weights = weights(options.seed(), outputShape);
        return verdict(
                GradCheck.check(() -> expression.apply(leaves).mul(weights).sum(), named, options));
    }

    /** Asserts the gradient of the mean cross-entropy of {@code model} on {@code (x, labels)} for every parameter. */
    public static GradCheck.Result assertGradient(Module model, Tensor x, int[] labels) {
        return assertGradient(DEFAULTS, model, x, labels);
    }

    /** {@link #assertGradient(Module, Tensor, int[])} with other options. */
    public static GradCheck.Result assertGradient(GradCheck.Options options, Module model, Tensor x, int[] labels) {
        return verdict(GradCheck.check(model, x, labels, options));
    }

    /**
     * Weights of magnitude in [1, 2] and random sign: distinct per element, and never so small that
     * an element's gradient sinks below the check's absolute floor.
     */
    private static Tensor weights(long seed, int[] shape) {
        Tensor w = Tensor.uniform(seed ^ 0x9E3779B97F4A7C15L, -1, 1, shape);
        float[] v = w.data();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.copySign(1 + Math.abs(v[i]), v[i]);
        }
        return w;
    }

    private static GradCheck.Result verdict(GradCheck.Result result) {
        if (!result.passed()) {
            throw new AssertionError(result.describe());
        }
        return result;
    }
}

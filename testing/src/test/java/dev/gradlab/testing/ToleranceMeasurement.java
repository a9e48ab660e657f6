package dev.gradlab.testing;

import dev.gradlab.core.GradCheck;
import dev.gradlab.core.Tensor;
import dev.gradlab.testing.SmoothOps.Op;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The measurement behind {@link GradientAssertions#DEFAULT_TOLERANCE}: for each op of
 * {@link SmoothOps} on {@code cases} random inputs, the error of a correct backward (largest, and its
 * 99.9th percentile) and of backwards 0.1% and 0.5% wrong (smallest), as the check computes it.
 * Run by hand (docs/testing.md): {@code java -cp ... dev.gradlab.testing.ToleranceMeasurement 500}.
 */
public final class ToleranceMeasurement {

    /** The defaults, but -Deps and -Dfloor for other choices, and a tolerance that lets every error through. */
    private static final GradCheck.Options MEASURE = GradientAssertions.DEFAULTS
            .withTolerance(Double.MAX_VALUE)
            .withEps(Double.parseDouble(System.getProperty("eps", "" + GradientAssertions.DEFAULT_EPS)))
            .withFloor(Double.parseDouble(System.getProperty("floor", "" + GradientAssertions.DEFAULT_FLOOR)));

    private ToleranceMeasurement() {}

    public static void main(String[] args) {
        int cases = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        System.out.printf(
                "%-20s %12s %12s %14s %14s %14s%n",
                "op", "correct max", "correct p999", "0.1% wrong min", "0.5% wrong min", "0.5% caught");
        for (Op op : SmoothOps.ALL) {
            double[] correct = new double[cases];
            double[] wrong1 = new double[cases];
            double[] wrong5 = new double[cases];
            for (int c = 0; c < cases; c++) {
                Tensor[] inputs = op.inputs().apply(c);
                correct[c] = error(op, 1, inputs);
                wrong1[c] = error(op, 1.001, inputs);
                wrong5[c] = error(op, 1.005, inputs);
            }
            print(op.name(), correct, wrong1, wrong5);
        }
        for (boolean tanh : new boolean[] {false, true}) {
            double[] correct = new double[cases];
            double[] wrong1 = new double[cases];
            double[] wrong5 = new double[cases];
            for (int c = 0; c < cases; c++) {
                SplittableRandom r = new SplittableRandom(c);
                int rows = 1 + r.nextInt(8);
                Tensor x = Tensor.uniform(c, -2, 2, rows, 6);
                int[] labels = r.ints(rows, 0, 3).toArray();
                correct[c] = GradCheck.check(SmoothOps.mlp(c, tanh, 1), x, labels, MEASURE)
                        .error();
                wrong1[c] = GradCheck.check(SmoothOps.mlp(c, tanh, 1.001), x, labels, MEASURE)
                        .error();
                wrong5[c] = GradCheck.check(SmoothOps.mlp(c, tanh, 1.005), x, labels, MEASURE)
                        .error();
            }
            print("mlp " + (tanh ? "tanh" : "sigmoid") + " + CE", correct, wrong1, wrong5);
        }
    }

    private static double error(Op op, double scale, Tensor[] inputs) {
        try {
            return GradientAssertions.assertGradient(MEASURE, op.scaled().apply(scale), inputs)
                    .error();
        } catch (AssertionError e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    private static void print(String name, double[] correct, double[] wrong1, double[] wrong5) {
        double[] sorted = correct.clone();
        Arrays.sort(sorted);
        long caught = Arrays.stream(wrong5)
                .filter(e -> e > GradientAssertions.DEFAULT_TOLERANCE)
                .count();
        System.out.printf(
                "%-20s %12.2e %12.2e %14.2e %14.2e %13.1f%%%n",
                name,
                sorted[sorted.length - 1],
                sorted[(int) Math.floor(0.999 * (sorted.length - 1))],
                Arrays.stream(wrong1).min().orElse(0),
                Arrays.stream(wrong5).min().orElse(0),
                100.0 * caught / wrong5.length);
    }
}

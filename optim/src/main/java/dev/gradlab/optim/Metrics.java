package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.EvalMode;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Dataset;
import java.util.Arrays;
import java.util.Objects;

/** Accuracy and loss of a model on a whole dataset, evaluated in slices without a graph. */
public final class Metrics {

    /** Rows per forward pass: bounds the activations' memory on large datasets. */
    private static final int SLICE = 1000;

    private Metrics() {}

    /** The loss and the accuracy of a model on a dataset, from the same forward passes. */
    public record Evaluation(float loss, float accuracy) {}

    /** The fraction of {@code d}'s examples whose largest logit is at their label. */
    public static float accuracy(Module model, Dataset d) {
        return evaluate(model, null, d).accuracy();
    }

    /** The mean cross-entropy over {@code d}. */
    public static float loss(Module model, Dataset d) {
        return loss(model, Objective.crossEntropy(), d);
    }

    /**
     * {@code objective} over {@code d}, as the mean of its per-slice values weighted by their rows:
     * the whole set's mean for objectives that are means over rows (cross-entropy, MSE).
     */
    public static float loss(Module model, Objective objective, Dataset d) {
        return evaluate(model, Objects.requireNonNull(objective, "objective"), d)
                .loss();
    }

    /**
     * {@link #loss(Module, Objective, Dataset)} and {@link #accuracy} in one pass over {@code d}:
     * one forward pass per slice serves both, where calling the two costs two. A null
     * {@code objective} skips the loss ({@code NaN}).
     */
    public static Evaluation evaluate(Module model, Objective objective, Dataset d) {
        nonEmpty(d);
        double total = 0;
        long correct = 0;
        try (var eval = EvalMode.of(model);
                var scope = Tape.noGrad()) {
            for (int from = 0; from < d.size(); from += SLICE) {
                int rows = Math.min(SLICE, d.size() - from);
                int[] labels = Arrays.copyOfRange(d.labels(), from, from + rows);
                Tensor x = slice(d, from, rows);
                Tensor output = model.forward(x);
                correct += correct(output.data(), rows, labels);
                if (objective != null) {
                    total += (double) objective.value(output, Batch.of(x, labels)) * rows;
                }
            }
        }
        return new Evaluation(objective == null ? Float.NaN : (float) (total / d.size()), (float) correct / d.size());
    }

    /** How many rows have their largest logit (the first of equal ones) at their label. */
    private static int correct(float[] logits, int rows, int[] labels) {
        int classes = logits.length / rows;
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[r * classes + c] > logits[r * classes + best]) {
                    best = c;
                }
            }
            if (best == labels[r]) {
                correct++;
            }
        }
        return correct;
    }

    private static void nonEmpty(Dataset d) {
        if (d.size() == 0) {
            throw new IllegalArgumentException(
                    "dataset must not be empty: a loss or accuracy over no examples is undefined");
        }
    }

    private static Tensor slice(Dataset d, int from, int rows) {
        if (from == 0 && rows == d.size()) {
            return d.imagesTensor();
        }
        int f = d.features();
        return Tensor.wrap(Arrays.copyOfRange(d.images(), from * f, (from + rows) * f), rows, f);
    }
}

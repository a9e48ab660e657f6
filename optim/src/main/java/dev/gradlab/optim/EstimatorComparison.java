package dev.gradlab.optim;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How close each gradient estimator comes to the backprop gradient at given weights and batch, and
 * what it costs. For evolution strategies the theoretical cosine {@code √(N / (N + D))} of an
 * estimate from N random directions in D dimensions is reported beside the measured one (it is
 * the value for antithetic pairs at small σ; the vanilla estimator without baseline stays near 0).
 * The parameters' grads are overwritten; their values are left as they were.
 */
public final class EstimatorComparison {

    private EstimatorComparison() {}

    /**
     * One estimator against backprop.
     *
     * @param estimator the estimator's name
     * @param population N for evolution strategies, else 0
     * @param cosine cosine similarity to the backprop gradient
     * @param relativeError {@code |g − g_backprop| / |g_backprop|}
     * @param theoreticalCosine {@code √(N / (N + D))} for evolution strategies, else NaN
     * @param lossEvaluations what the estimate cost in loss evaluations
     * @param nanos and in wall time
     */
    public record Row(
            String estimator,
            int population,
            double cosine,
            double relativeError,
            double theoreticalCosine,
            long lossEvaluations,
            long nanos) {}

    /** Each of {@code estimators} at the model's current weights on one batch, at training step {@code step}. */
    public static List<Row> compare(
            Module model, Tensor x, int[] labels, List<? extends GradientEstimator> estimators, long step) {
        Objects.requireNonNull(model, "model");
        Checks.batch(x, labels);
        List<Tensor> params = model.parameters();
        int d = Parameters.count(params);
        new Backprop().estimate(model, x, labels, step);
        float[] reference = new float[d];
        Parameters.flattenGrads(params, reference);
        float[] g = new float[d];
        List<Row> rows = new ArrayList<>();
        for (GradientEstimator e : estimators) {
            Estimate estimate = e.estimate(model, x, labels, step);
            Parameters.flattenGrads(params, g);
            int n = e instanceof EvolutionStrategies es ? es.population() : 0;
            rows.add(new Row(
                    e.name(),
                    n,
                    cosine(g, reference),
                    relativeError(g, reference),
                    n > 0 ? theoreticalCosine(n, d) : Double.NaN,
                    estimate.lossEvaluations(),
                    estimate.nanos()));
        }
        return rows;
    }

    /** Evolution strategies with each population size in {@code populations}, otherwise alike. */
    public static List<Row> sweep(
            Module model,
            Tensor x,
            int[] labels,
            int[] populations,
            float sigma,
            boolean antithetic,
            boolean rankShaping,
            long seed) {
        Objects.requireNonNull(populations, "populations");
        List<EvolutionStrategies> estimators = new ArrayList<>();
        for (int n : populations) {
            estimators.add(EvolutionStrategies.builder()
                    .population(n)
                    .sigma(sigma)
                    .antithetic(antithetic)
                    .rankShaping(rankShaping)
                    .seed(seed)
                    .build());
        }
        return compare(model, x, labels, estimators, 0);
    }

    /** {@code √(N / (N + D))}: the expected cosine to the gradient of an estimate from N random directions. */
    public static double theoreticalCosine(int population, int parameters) {
        return Math.sqrt((double) population / ((double) population + parameters));
    }

    /** Cosine similarity, in double; 0 when either vector is zero. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors must have the same length, got " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** {@code |a − reference| / |reference|}, in double. */
    public static double relativeError(float[] a, float[] reference) {
        if (a.length != reference.length) {
            throw new IllegalArgumentException(
                    "vectors must have the same length, got " + a.length + " and " + reference.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            double e = (double) a[i] - reference[i];
            diff += e * e;
            norm += (double) reference[i] * reference[i];
        }
        return Math.sqrt(diff / norm);
    }
}

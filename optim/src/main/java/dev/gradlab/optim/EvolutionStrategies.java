package dev.gradlab.optim;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.List;

/**
 * Evolution strategies as a gradient estimator: the loss is evaluated at {@code N} random
 * perturbations {@code w + v_i}, {@code v_i = σ e_i ~ N(0, σ² I)}, and the gradient estimated from
 * the loss values alone, with no backpropagation.
 *
 * <ul>
 *   <li>vanilla (the notebook's estimator, exactly): {@code g = 1/(N σ²) Σ v_i L(w + v_i)};
 *   <li>antithetic (mirrored) pairs: {@code g = 1/(2 N σ²) Σ v_i (L(w + v_i) − L(w − v_i))};
 *       {@code N} counts pairs, so it evaluates {@code 2N} losses;
 *   <li>rank shaping: the losses are first replaced by their centered ranks in {@code [−0.5, 0.5]}
 *       over all {@code N} (or {@code 2N}) values, as in OpenAI's evolution-strategies-starter; the
 *       formulas above then apply unchanged, so the estimate points along the gradient but its
 *       scale is no longer the loss's (pair it with Adam, or tune the learning rate);
 *   <li>baseline: the mean of those values is subtracted first, which removes the
 *       {@code L(w)·v_i} term that makes the vanilla estimator's variance huge (a no-op for
 *       antithetic pairs and for centered ranks).
 * </ul>
 *
 * <p>Direction {@code i} of training step {@code t} is regenerated from {@code (seed, t, i)} by
 * the simd counter-based generator and never stored; the estimate is the same, to the bit, for
 * any number of threads. Where a direction's weight is known as soon as its losses are (no rank
 * shaping; no baseline for vanilla), the MLP path sums the weighted noise while it is at hand;
 * otherwise the noise is generated again, slice by slice, for the weighted sum. For a {@link dev.gradlab.core.nn.Sequential} MLP (Linear layers with
 * Sigmoid, ReLU, ReQU or Tanh, with or without bias) the members are evaluated in parallel straight
 * on the simd kernels, sharing the unperturbed first-layer product; any other module is evaluated
 * member after member through its own forward (a module cannot be copied for each thread).
 * The returned {@link Estimate} counts the member evaluations plus one for the loss at {@code w}.
 * An instance keeps its workspaces between calls, so it is not for concurrent use.
 */
public final class EvolutionStrategies implements GradientEstimator {

    private final int population;
    private final float sigma;
    private final boolean antithetic;
    private final boolean rankShaping;
    private final boolean baseline;
    private final long seed;
    private final Noise noise;

    private Module cachedModel;
    private MlpEvaluator evaluator;
    private float[] losses = new float[0];
    private float[] weights = new float[0];
    private float[] gradient = new float[0];
    private float[] scratch = new float[0];

    private EvolutionStrategies(Builder b) {
        this.population = b.population;
        this.sigma = b.sigma;
        this.antithetic = b.antithetic;
        this.rankShaping = b.rankShaping;
        this.baseline = b.baseline;
        this.seed = b.seed;
        this.noise = new Noise(b.seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of an {@link EvolutionStrategies}; the defaults are the notebook's vanilla estimator. */
    public static final class Builder {
        private int population = 100;
        private float sigma = 0.05f;
        private boolean antithetic;
        private boolean rankShaping;
        private boolean baseline;
        private long seed;

        private Builder() {
        }

        /** Number of directions {@code N} (pairs when antithetic); default 100. */
        public Builder population(int population) {
            this.population = Checks.positive("population", population);
            return this;
        }

        /** Standard deviation {@code σ} of each perturbation coordinate; default 0.05. */
        public Builder sigma(float sigma) {
            this.sigma = Checks.positive("sigma", sigma);
            return this;
        }

        public Builder antithetic(boolean antithetic) {
            this.antithetic = antithetic;
            return this;
        }

        public Builder rankShaping(boolean rankShaping) {
            this.rankShaping = rankShaping;
            return this;
        }

        public Builder baseline(boolean baseline) {
            this.baseline = baseline;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public EvolutionStrategies build() {
            return new EvolutionStrategies(this);
        }
    }

    public int population() {
        return population;
    }

    public float sigma() {
        return sigma;
    }

    public boolean antithetic() {
        return antithetic;
    }

    public boolean rankShaping() {
        return rankShaping;
    }

    public boolean baseline() {
        return baseline;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String name() {
        return "es-" + (antithetic ? "antithetic" : "vanilla") + "(N=" + population + ", sigma=" + sigma
                + (rankShaping ? ", ranks" : "") + (baseline ? ", baseline" : "") + ")";
    }

    @Override
    public Estimate estimate(Module model, Tensor x, int[] labels, long step) {
        long start = System.nanoTime();
        int rows = Checks.batch(x, labels);
        List<Tensor> params = model.parameters();
        int d = Parameters.count(params);
        int members = antithetic ? 2 * population : population;
        losses = ensure(losses, members);
        weights = ensure(weights, population);
        gradient = gradient.length == d ? gradient : new float[d];
        float loss;
        // Without rank shaping (and without a baseline for vanilla, which needs the mean of all
        // losses) a direction's weight is known once its losses are: the MLP path sums on the fly.
        boolean onTheFly = !rankShaping && (antithetic || !baseline);
        float scale = 1f / (population * sigma);
        Mlp mlp = Mlp.of(model);
        if (mlp != null && mlp.inputs() == x.dim(1)) {
            Checks.labels(labels, mlp.outputs());
            if (model != cachedModel || evaluator == null) {
                evaluator = new MlpEvaluator(mlp);
                cachedModel = model;
            }
            loss = evaluator.evaluate(x.data(), rows, labels, noise, step, population, sigma, antithetic, losses,
                    onTheFly ? gradient : null, scale);
        } else {
            onTheFly = false;
            loss = evaluateGeneric(model, params, d, x, labels, step);
        }
        if (!onTheFly) {
            directionWeights(members, scale);
            noise.weightedSum(step, weights, population, gradient, d);
        }
        Parameters.setGrads(gradient, params);
        return new Estimate(members + 1L, System.nanoTime() - start, loss);
    }

    /** Each direction's coefficient in {@code g = Σ_i weights[i] · e_i}. */
    private void directionWeights(int members, float scale) {
        if (rankShaping) {
            FitnessShaping.centeredRanks(losses, members);
        }
        if (baseline) {
            double sum = 0;
            for (int m = 0; m < members; m++) {
                sum += losses[m];
            }
            float mean = (float) (sum / members);
            for (int m = 0; m < members; m++) {
                losses[m] -= mean;
            }
        }
        // v_i / σ² = e_i / σ, so 1/(N σ²) Σ v_i L_i = Σ e_i · L_i / (N σ): scale is 1/(N σ).
        for (int i = 0; i < population; i++) {
            weights[i] = antithetic ? (losses[2 * i] - losses[2 * i + 1]) * 0.5f * scale : losses[i] * scale;
        }
    }

    private float evaluateGeneric(Module model, List<Tensor> params, int d, Tensor x, int[] labels, long step) {
        float[] w0 = Parameters.flatten(params);
        scratch = ensure(scratch, d);
        float[] e = scratch;
        float[] w = new float[d];
        try {
            float loss = BatchLoss.of(model, x, labels);
            for (int i = 0; i < population; i++) {
                noise.fill(step, i, 0, e, 0, d);
                for (int s = 0; s < (antithetic ? 2 : 1); s++) {
                    float scaled = s == 0 ? sigma : -sigma;
                    for (int j = 0; j < d; j++) {
                        w[j] = w0[j] + scaled * e[j];
                    }
                    Parameters.unflatten(w, params);
                    losses[antithetic ? 2 * i + s : i] = BatchLoss.of(model, x, labels);
                }
            }
            return loss;
        } finally {
            Parameters.unflatten(w0, params);
        }
    }

    private static float[] ensure(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    @Override
    public String toString() {
        return name();
    }
}

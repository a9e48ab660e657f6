package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.optim.search.EsGradient;
import java.util.List;

/**
 * Evolution strategies as a gradient estimator: the objective is evaluated at {@code N} random
 * perturbations {@code w + σ E_i} (and {@code w − σ E_i} with antithetic pairs: {@code N} counts
 * pairs, so it evaluates {@code 2N} losses) and the gradient estimated from the loss values alone, with
 * no backpropagation, by {@link EsGradient}: vanilla (the reference experiment's estimator, exactly,
 * {@code g = 1/(N σ) Σ E_i L(w + σ E_i)}), antithetic, rank shaping and baseline as it describes them,
 * the same update as {@link dev.gradlab.optim.search.OpenAiEs}'s on ask/tell. A NaN or infinite member
 * loss is counted ({@link #nonFiniteEvaluations()}) and, with rank shaping, ranked worst; when every
 * member fails the estimate is 0 and the {@link Trainer} stops the run as one that no longer moves
 * (without rank shaping the estimate is not finite, and it stops at that step).
 *
 * <p>{@code E_i} is full-rank Gaussian noise, or low-rank per weight matrix ({@code A Bᵀ/√r},
 * EGGROLL; see {@link Perturbation}). Direction {@code i} of training step {@code t} is
 * regenerated from {@code (seed, t, i)} and never stored. The losses come from a
 * {@link PopulationEvaluator}, so any model is evaluated in parallel without being copied, and the
 * estimate {@code Σ_i w_i E_i} is assembled by {@link Population#weightedSum} (one GEMM over the
 * stacked factors for low-rank); both are the same, to the bit, for any number of threads. The
 * returned {@link Estimate} counts the member evaluations plus one for the loss at {@code w}. An
 * instance keeps its workspaces between calls, so it is not for concurrent use.
 *
 * <p>σ is a hyperparameter that may change between steps, as an optimizer group's learning rate
 * does: it is this estimator's {@link #schedulable()} setting. {@link #setSigma} sets it,
 * {@link #initialSigma()} is the builder's σ that a schedule scales
 * ({@link Trainer.Builder#sigmaSchedule}), and a {@link Checkpoint} keeps both.
 */
public final class EvolutionStrategies implements GradientEstimator {

    private final int population;
    private final ScheduledSetting sigma;
    private final boolean antithetic;
    private final boolean rankShaping;
    private final boolean baseline;
    private final long seed;
    private final Perturbation perturbation;

    private final PopulationLossEvaluator evaluator;
    private final EsGradient update;
    private float[] losses = new float[0];
    private double[] fitness = new double[0];
    private float[] gradient = new float[0];

    private EvolutionStrategies(Builder b) {
        this.population = b.population;
        this.sigma = new ScheduledSetting("sigma", b.sigma);
        this.antithetic = b.antithetic;
        this.rankShaping = b.rankShaping;
        this.baseline = b.baseline;
        this.seed = b.seed;
        this.perturbation = b.perturbation;
        this.evaluator = b.evaluator != null ? b.evaluator : new PopulationEvaluator();
        this.update = new EsGradient(antithetic, rankShaping, baseline);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The builder's default number of directions and σ. */
    public static final int DEFAULT_POPULATION = 100;

    public static final float DEFAULT_SIGMA = 0.05f;

    /** Settings of an {@link EvolutionStrategies}; the defaults are the reference experiment's vanilla estimator. */
    public static final class Builder {
        private int population = DEFAULT_POPULATION;
        private float sigma = DEFAULT_SIGMA;
        private boolean antithetic;
        private boolean rankShaping;
        private boolean baseline;
        private long seed;
        private Perturbation perturbation = Perturbation.fullRank();
        private PopulationLossEvaluator evaluator;

        private Builder() {}

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

        /** Full-rank Gaussian (the default) or {@link Perturbation#lowRank low-rank} directions. */
        public Builder perturbation(Perturbation perturbation) {
            if (perturbation == null) {
                throw new IllegalArgumentException("perturbation is null");
            }
            this.perturbation = perturbation;
            return this;
        }

        /**
         * What computes the members' losses; default a {@link PopulationEvaluator} of this estimator's
         * own. Another one (gradlab-cluster's, across machines) changes where they are computed, not
         * the estimate.
         */
        public Builder evaluator(PopulationLossEvaluator evaluator) {
            if (evaluator == null) {
                throw new IllegalArgumentException("evaluator is null");
            }
            this.evaluator = evaluator;
            return this;
        }

        public EvolutionStrategies build() {
            return new EvolutionStrategies(this);
        }
    }

    public int population() {
        return population;
    }

    /** The σ of the next estimates. */
    public float sigma() {
        return sigma.value();
    }

    /** Sets the σ of the next estimates; finite and {@code > 0}. */
    public void setSigma(float sigma) {
        this.sigma.set(sigma);
    }

    /** The σ a schedule scales: the builder's, unless a loaded checkpoint says otherwise. */
    public float initialSigma() {
        return sigma.initial();
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

    public Perturbation perturbation() {
        return perturbation;
    }

    @Override
    public String name() {
        return "es-" + (antithetic ? "antithetic" : "vanilla") + "(N=" + population + ", sigma=" + sigma.value()
                + (perturbation == Perturbation.fullRank() ? "" : ", " + perturbation)
                + (rankShaping ? ", ranks" : "") + (baseline ? ", baseline" : "") + ")";
    }

    /** σ, which {@link Trainer.Builder#sigmaSchedule} schedules and a {@link Checkpoint} keeps. */
    @Override
    public List<ScheduledSetting> schedulable() {
        return List.of(sigma);
    }

    @Override
    public Estimate estimate(Module model, Objective objective, Batch batch, long step) {
        long start = System.nanoTime();
        List<Tensor> params = model.parameters();
        int d = Parameters.count(params);
        Population members = Population.es(perturbation, sigma.value(), antithetic, seed, step, population);
        int n = members.members();
        losses = losses.length >= n ? losses : new float[n];
        fitness = fitness.length >= n ? fitness : new double[n];
        gradient = gradient.length == d ? gradient : new float[d];
        float loss = evaluator.evaluate(model, objective, batch, members, losses);
        for (int m = 0; m < n; m++) {
            fitness[m] = losses[m];
        }
        update.estimate(members, fitness, params, gradient);
        Parameters.setGrads(gradient, params);
        return new Estimate(n + 1L, System.nanoTime() - start, loss);
    }

    /** Member losses that were NaN or infinite so far: ranked worst with rank shaping, and counted here. */
    public long nonFiniteEvaluations() {
        return update.nonFiniteEvaluations();
    }

    @Override
    public String toString() {
        return name();
    }
}

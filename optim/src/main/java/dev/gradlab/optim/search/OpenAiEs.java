package dev.gradlab.optim.search;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * OpenAI-ES (Salimans et al. 2017): an isotropic Gaussian of fixed σ around a center, antithetic
 * pairs {@code c ± σ·z_d} and centered ranks. The update is {@link EsGradient}'s, the same as the
 * {@code Trainer}'s ES estimator's: {@code g = 1/(P·σ) Σ_d (r_d⁺ − r_d⁻)·z_d} ({@code r} the
 * centered ranks, lowest fitness lowest), and the center's {@link CenterOptimizer} ascends {@code −g}.
 * Defaults: σ 0.04 and Adam lr 0.01, evosax's initial values (evosax decays both by 0.999 a
 * generation, to 0.01 and 0.001; here they stay fixed); population {@code 2·⌈(4 + 3 ln D)/2⌉}, at least 8.
 */
public final class OpenAiEs extends SearchStrategy {

    private final float sigma;
    private final int population;
    private final List<Tensor> params;
    private final CenterOptimizer.Moments moments;
    private final EsGradient update = new EsGradient(true, true, false);
    private final float[] gradient;

    private OpenAiEs(Builder b) {
        super(b, "es");
        int d = center.length;
        this.sigma = positive("sigma", b.sigma);
        this.population = population(b.population, defaultPopulation(d), true);
        this.params = List.of(Tensor.wrap(center, d));
        this.moments = b.optimizer.new Moments(d);
        this.gradient = new float[d];
    }

    /** {@code 2·⌈(4 + 3 ln D)/2⌉}, at least 8: evosax's population rounded up to pairs. */
    static int defaultPopulation(int dimension) {
        return Math.max(8, 2 * (int) Math.ceil((4 + 3 * Math.log(dimension)) / 2));
    }

    public static Builder builder(float[] center) {
        return new Builder(center);
    }

    @Override
    public int populationSize() {
        return population;
    }

    @Override
    void sample(int m, float[] x) {
        noise(m / 2, x);
        float s = (m & 1) == 0 ? sigma : -sigma;
        for (int i = 0; i < x.length; i++) {
            x[i] = center[i] + s * x[i];
        }
    }

    @Override
    void update(double[] fitness) {
        update.estimate(population(population / 2, sigma, true), fitness, params, gradient);
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = -gradient[i];
        }
        moments.ascend(center, gradient);
    }

    @Override
    void distribution(StateBuffer s) {
        s.values(center);
        moments.state(s);
    }

    /** Settings of {@link OpenAiEs}. */
    public static final class Builder extends SearchStrategy.Builder<Builder> {
        private CenterOptimizer optimizer = CenterOptimizer.adam(0.01f);

        private Builder(float[] center) {
            super(center, 0.04f, 0);
        }

        public Builder optimizer(CenterOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        @Override
        public OpenAiEs build() {
            return new OpenAiEs(this);
        }
    }
}

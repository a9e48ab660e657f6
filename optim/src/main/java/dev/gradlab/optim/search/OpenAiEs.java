package dev.gradlab.optim.search;

/**
 * OpenAI-ES (Salimans et al. 2017): an isotropic Gaussian of fixed σ around a center, antithetic
 * pairs {@code c ± σ·z_d}, centered ranks, and the estimate
 * {@code g = 1/(P·σ) Σ_m u_m·s_m·z_{d(m)}} ({@code u_m} the negated centered rank, so the best member
 * weighs most; {@code s_m = ±1}) handed to a {@link CenterOptimizer} as the ascent direction.
 * Defaults: σ 0.04 and Adam lr 0.01, evosax's initial values (evosax decays both by 0.999 a
 * generation, to 0.01 and 0.001; here they stay fixed); population {@code 2·⌈(4 + 3 ln D)/2⌉}, at least 8.
 */
public final class OpenAiEs extends SearchStrategy {

    private final float[] center;
    private final float sigma;
    private final int population;
    private final CenterOptimizer optimizer;
    private final CenterOptimizer.Moments moments;
    private final float[] gradient;

    private OpenAiEs(Builder b) {
        super(b.center.length, b.seed);
        this.center = b.center.clone();
        this.sigma = positive("sigma", b.sigma);
        int d = b.center.length;
        this.population = b.population > 0 ? b.population : Math.max(8, 2 * (int) Math.ceil((4 + 3 * Math.log(d)) / 2));
        if (population % 2 != 0 || population < 2) {
            throw new dev.gradlab.core.InvalidSettingException(
                    "population", "must be even and >= 2 (antithetic pairs), got " + population);
        }
        this.optimizer = b.optimizer;
        this.moments = optimizer.new Moments(d);
        this.gradient = new float[d];
    }

    public static Builder builder(float[] center) {
        return new Builder(center);
    }

    @Override
    public String name() {
        return "es";
    }

    @Override
    public int populationSize() {
        return population;
    }

    @Override
    public float[] center() {
        return center.clone();
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
        double[] u = new double[population];
        Ranks.centered(fitness, population, u);
        int directions = population / 2;
        double[] w = new double[directions];
        for (int d = 0; d < directions; d++) {
            w[d] = (u[2 * d + 1] - u[2 * d]) / ((double) population * sigma);
        }
        noiseSums(directions, w, null, gradient, null);
        moments.ascend(center, gradient);
    }

    @Override
    void save(StateBuffer out) {
        out.put(center);
        moments.save(out);
    }

    @Override
    void load(StateBuffer in) {
        in.get(center);
        moments.load(in);
    }

    /** Settings of {@link OpenAiEs}; {@code population} 0 means the default. */
    public static final class Builder {
        private final float[] center;
        private float sigma = 0.04f;
        private int population;
        private long seed;
        private CenterOptimizer optimizer = CenterOptimizer.adam(0.01f);

        private Builder(float[] center) {
            this.center = center.clone();
        }

        public Builder sigma(float sigma) {
            this.sigma = sigma;
            return this;
        }

        public Builder population(int population) {
            this.population = population;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optimizer(CenterOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public OpenAiEs build() {
            return new OpenAiEs(this);
        }
    }
}

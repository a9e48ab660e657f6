package dev.gradlab.optim.search;

/**
 * PGPE (Sehnke et al. 2010) as EvoJAX and EvoTorch define it: symmetric sampling
 * {@code x = c ± ε_d}, {@code ε_d = σ ⊙ z_d}, one σ per parameter; with utilities {@code u} the
 * negated centered ranks (higher is better) and {@code n} directions,
 * {@code g_c = 1/n Σ_d (u_d⁺ − u_d⁻)/2 · ε_d} goes to the center's {@link CenterOptimizer} and
 * {@code g_σ = 1/n Σ_d ((u_d⁺ + u_d⁻)/2 − b) · (ε_d² − σ²)/σ} ({@code b} the mean utility) moves
 * σ by {@code lrSigma·g_σ}, clipped to within {@code maxChange·σ} of its value.
 * Defaults: EvoJAX's σ 0.1, center lr 0.15, lrSigma 0.1 and maxChange 0.2, with ClipUp (EvoTorch's
 * default optimizer for PGPE; EvoJAX's default is plain SGD) at EvoJAX's max speed 0.15 and
 * momentum 0.9; population 64, as in EvoJAX's benchmark configurations.
 */
public final class Pgpe extends SearchStrategy {

    private final float[] sigma;
    private final int population;
    private final float lrSigma;
    private final float maxChange;
    private final CenterOptimizer.Moments moments;
    private final float[] sum1;
    private final float[] sum2;

    private Pgpe(Builder b) {
        super(b, "pgpe");
        int d = center.length;
        this.sigma = sigmas(d, b.sigma);
        this.population = population(b.population, 64, true);
        this.lrSigma = positive("lrSigma", b.lrSigma);
        this.maxChange = positive("maxChange", b.maxChange);
        this.moments = b.optimizer.new Moments(d);
        this.sum1 = new float[d];
        this.sum2 = new float[d];
    }

    public static Builder builder(float[] center) {
        return new Builder(center);
    }

    @Override
    public int populationSize() {
        return population;
    }

    /** The per-parameter σ. */
    public float[] sigma() {
        return sigma.clone();
    }

    @Override
    void sample(int m, float[] x) {
        noise(m / 2, x);
        boolean plus = (m & 1) == 0;
        for (int i = 0; i < x.length; i++) {
            float e = sigma[i] * x[i];
            x[i] = plus ? center[i] + e : center[i] - e;
        }
    }

    @Override
    void update(double[] fitness) {
        double[] u = new double[population];
        Ranks.centered(fitness, population, u);
        int n = population / 2;
        double baseline = 0;
        for (double v : u) {
            baseline -= v;
        }
        baseline /= population;
        double[] w1 = new double[n];
        double[] w2 = new double[n];
        for (int d = 0; d < n; d++) {
            double plus = -u[2 * d];
            double minus = -u[2 * d + 1];
            w1[d] = (plus - minus) / 2 / n;
            w2[d] = ((plus + minus) / 2 - baseline) / n;
        }
        // With ε = σ·z: Σ w1·ε = σ·Σ w1·z and Σ w2·(ε² − σ²)/σ = σ·Σ w2·(z² − 1).
        noiseSums(n, w1, w2, sum1, sum2);
        for (int i = 0; i < center.length; i++) {
            sum1[i] *= sigma[i];
        }
        moments.ascend(center, sum1);
        for (int i = 0; i < sigma.length; i++) {
            float s = sigma[i];
            float next = s + lrSigma * s * sum2[i];
            sigma[i] = Math.min(Math.max(next, s - maxChange * s), s + maxChange * s);
        }
    }

    @Override
    void distribution(StateBuffer s) {
        s.values(center);
        s.values(sigma);
        moments.state(s);
    }

    /** Settings of {@link Pgpe}. */
    public static final class Builder extends SearchStrategy.Builder<Builder> {
        private float lrSigma = 0.1f;
        private float maxChange = 0.2f;
        private CenterOptimizer optimizer = CenterOptimizer.clipUp(0.15f, 0.15f, 0.9f);

        private Builder(float[] center) {
            super(center, 0.1f, 64);
        }

        public Builder lrSigma(float lrSigma) {
            this.lrSigma = lrSigma;
            return this;
        }

        public Builder maxChange(float maxChange) {
            this.maxChange = maxChange;
            return this;
        }

        public Builder optimizer(CenterOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        @Override
        public Pgpe build() {
            return new Pgpe(this);
        }
    }
}

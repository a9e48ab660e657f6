package dev.gradlab.optim.search;

/**
 * Separable natural evolution strategies (Schaul et al. 2011): a Gaussian with one σ per parameter,
 * members {@code x_k = μ + σ ⊙ z_k}, and with utilities {@code u} assigned by rank (best first,
 * ties averaged) the natural-gradient steps
 * {@code μ ← μ + η_μ·σ ⊙ Σ u_k z_k} and {@code σ ← σ ⊙ exp(η_σ/2 · Σ u_k (z_k² − 1))}.
 * Defaults (the paper's, and evosax's): population {@code 4 + ⌊3 ln D⌋}, utilities
 * {@code max(0, ln(λ/2 + 1) − ln k) / Σ_j max(0, ln(λ/2 + 1) − ln j) − 1/λ}, η_μ 1,
 * η_σ {@code (3 + ln D) / (5 √D)}, initial σ 1.
 */
public final class Snes extends SearchStrategy {

    private final float[] sigma;
    private final int population;
    private final float etaCenter;
    private final float etaSigma;
    private final double[] utilities;
    private final float[] sum1;
    private final float[] sum2;

    private Snes(Builder b) {
        super(b, "snes");
        int d = center.length;
        this.sigma = sigmas(d, b.sigma);
        this.population = population(b.population, 4 + (int) Math.floor(3 * Math.log(d)), false);
        this.etaCenter = positive("etaCenter", b.etaCenter);
        this.etaSigma = b.etaSigma > 0 ? b.etaSigma : (float) ((3 + Math.log(d)) / (5 * Math.sqrt(d)));
        this.utilities = utilities(population);
        this.sum1 = new float[d];
        this.sum2 = new float[d];
    }

    /** NES's rank utilities, best first; they sum to 0. */
    static double[] utilities(int lambda) {
        double[] u = new double[lambda];
        double total = 0;
        for (int k = 0; k < lambda; k++) {
            u[k] = Math.max(0, Math.log(lambda / 2.0 + 1) - Math.log(k + 1));
            total += u[k];
        }
        for (int k = 0; k < lambda; k++) {
            u[k] = u[k] / total - 1.0 / lambda;
        }
        return u;
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
        noise(m, x);
        for (int i = 0; i < x.length; i++) {
            x[i] = center[i] + sigma[i] * x[i];
        }
    }

    @Override
    void update(double[] fitness) {
        double[] u = new double[population];
        Ranks.assign(fitness, population, utilities, u);
        noiseSums(population, u, u, sum1, sum2);
        for (int i = 0; i < center.length; i++) {
            center[i] += etaCenter * sigma[i] * sum1[i];
            sigma[i] *= (float) Math.exp(etaSigma / 2 * sum2[i]);
        }
    }

    @Override
    void distribution(StateBuffer s) {
        s.values(center);
        s.values(sigma);
    }

    /** Settings of {@link Snes}; 0 means the default for {@code population} and {@code etaSigma}. */
    public static final class Builder extends SearchStrategy.Builder<Builder> {
        private float etaCenter = 1f;
        private float etaSigma;

        private Builder(float[] center) {
            super(center, 1f, 0);
        }

        public Builder etaCenter(float etaCenter) {
            this.etaCenter = etaCenter;
            return this;
        }

        public Builder etaSigma(float etaSigma) {
            this.etaSigma = etaSigma;
            return this;
        }

        @Override
        public Snes build() {
            return new Snes(this);
        }
    }
}

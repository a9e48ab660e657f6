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

    private final float[] center;
    private final float[] sigma;
    private final int population;
    private final float etaCenter;
    private final float etaSigma;
    private final double[] utilities;
    private final float[] sum1;
    private final float[] sum2;

    private Snes(Builder b) {
        super(b.center.length, b.seed);
        int d = b.center.length;
        this.center = b.center.clone();
        this.sigma = new float[d];
        java.util.Arrays.fill(sigma, positive("sigma", b.sigma));
        this.population = b.population > 0 ? b.population : 4 + (int) Math.floor(3 * Math.log(d));
        if (population < 2) {
            throw new dev.gradlab.core.InvalidSettingException("population", "must be >= 2, got " + population);
        }
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
    public String name() {
        return "snes";
    }

    @Override
    public int populationSize() {
        return population;
    }

    @Override
    public float[] center() {
        return center.clone();
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
    void save(StateBuffer out) {
        out.put(center);
        out.put(sigma);
    }

    @Override
    void load(StateBuffer in) {
        in.get(center);
        in.get(sigma);
    }

    /** Settings of {@link Snes}; 0 means the default for {@code population} and {@code etaSigma}. */
    public static final class Builder {
        private final float[] center;
        private float sigma = 1f;
        private int population;
        private float etaCenter = 1f;
        private float etaSigma;
        private long seed;

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

        public Builder etaCenter(float etaCenter) {
            this.etaCenter = etaCenter;
            return this;
        }

        public Builder etaSigma(float etaSigma) {
            this.etaSigma = etaSigma;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Snes build() {
            return new Snes(this);
        }
    }
}

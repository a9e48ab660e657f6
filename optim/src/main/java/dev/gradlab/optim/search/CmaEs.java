package dev.gradlab.optim.search;

import java.util.Arrays;

/**
 * CMA-ES with full covariance (Hansen's tutorial, arXiv:1604.00772, positive weights only) and
 * IPOP restarts (Auger and Hansen 2005). Members {@code x_k = m + σ·B·D·z_k}, {@code C = B·D²·Bᵀ},
 * with the μ best of λ recombined by the weights {@code w_i ∝ ln((λ+1)/2) − ln i}:
 * {@code m ← m + σ·Σ w_i y_i}; the evolution paths
 * {@code p_σ ← (1 − c_σ)p_σ + √(c_σ(2 − c_σ)μ_eff)·B·Σ w_i z_i}
 * and {@code p_c ← (1 − c_c)p_c + h_σ√(c_c(2 − c_c)μ_eff)·Σ w_i y_i}; the rank-one and rank-μ update
 * {@code C ← (1 − c_1 − c_μ + (1 − h_σ)c_1c_c(2 − c_c))C + c_1 p_c p_cᵀ + c_μ Σ w_i y_i y_iᵀ}; and
 * {@code σ ← σ·exp(c_σ/d_σ·(|p_σ|/E|N(0, I)| − 1))}, with the tutorial's default constants. Ties
 * share the mean of their weights. The distribution is kept in double; members are rounded to float.
 *
 * <p>A run stops when the fitness of the last {@code 10 + ⌈30n/λ⌉} generations spans less than
 * 1e-12, when {@code σ·max(D) < 1e-12·σ₀}, or when C's condition number exceeds 1e14; with IPOP
 * (the default) the search then restarts from the initial mean and σ with twice the population.
 * Defaults: λ {@code 4 + ⌊3 ln n⌋}, at most 9 restarts. Meant for up to a few thousand parameters
 * (C is n² doubles and is decomposed every {@code λ/(10n(c_1 + c_μ))} generations).
 */
public final class CmaEs extends SearchStrategy {

    private static final double TOL_FUN = 1e-12;
    private static final double TOL_X = 1e-12;
    private static final double MAX_CONDITION = 1e14;

    private final int n;
    private final double[] x0;
    private final double sigma0;
    private final int lambda0;
    private final int maxRestarts;
    private final double chiN;

    // The run's settings, which depend on λ.
    private int lambda;
    private int mu;
    private double[] weightsByRank;
    private double mueff;
    private double cs;
    private double ds;
    private double cc;
    private double c1;
    private double cmu;
    private int historyLength;

    // The distribution.
    private final double[] mean;
    private double sigma;
    private final double[] c;
    private final double[] b;
    private final double[] d;
    private final double[] pc;
    private final double[] ps;
    private final double[] history;
    private long restarts;
    private long runGeneration;
    private long eigenGeneration;

    private final ThreadLocal<double[]> scratch;

    private CmaEs(Builder builder) {
        super(builder, "cmaes");
        this.n = center.length;
        this.x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = center[i];
        }
        this.sigma0 = positive("sigma", builder.sigma);
        this.lambda0 = population(builder.population, 4 + (int) Math.floor(3 * Math.log(n)), false);
        if (builder.maxRestarts < 0) {
            throw new dev.gradlab.core.InvalidSettingException(
                    "maxRestarts", "must be >= 0, got " + builder.maxRestarts);
        }
        this.maxRestarts = builder.maxRestarts;
        this.chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        this.mean = new double[n];
        this.c = new double[n * n];
        this.b = new double[n * n];
        this.d = new double[n];
        this.pc = new double[n];
        this.ps = new double[n];
        this.history = new double[10 + (int) Math.ceil(30.0 * n / lambda0)];
        this.scratch = ThreadLocal.withInitial(() -> new double[2 * n]);
        startRun(lambda0);
    }

    public static Builder builder(float[] x0) {
        return new Builder(x0);
    }

    /** The tutorial's constants for population {@code lambda}. */
    private void configure(int lambda) {
        this.lambda = lambda;
        this.mu = lambda / 2;
        this.weightsByRank = new double[lambda];
        double sum = 0;
        for (int i = 0; i < mu; i++) {
            weightsByRank[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
            sum += weightsByRank[i];
        }
        double sumSq = 0;
        for (int i = 0; i < mu; i++) {
            weightsByRank[i] /= sum;
            sumSq += weightsByRank[i] * weightsByRank[i];
        }
        this.mueff = 1 / sumSq;
        this.cs = (mueff + 2) / (n + mueff + 5);
        this.ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
        this.cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        this.c1 = 2 / ((n + 1.3) * (n + 1.3) + mueff);
        this.cmu = Math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + mueff));
        this.historyLength = 10 + (int) Math.ceil(30.0 * n / lambda);
    }

    private void startRun(int lambda) {
        configure(lambda);
        System.arraycopy(x0, 0, mean, 0, n);
        sigma = sigma0;
        Arrays.fill(c, 0);
        Arrays.fill(b, 0);
        for (int i = 0; i < n; i++) {
            c[i * n + i] = 1;
            b[i * n + i] = 1;
        }
        Arrays.fill(d, 1);
        Arrays.fill(pc, 0);
        Arrays.fill(ps, 0);
        Arrays.fill(history, 0);
        runGeneration = 0;
        eigenGeneration = 0;
    }

    @Override
    public int populationSize() {
        return lambda;
    }

    /** IPOP restarts so far. */
    public long restarts() {
        return restarts;
    }

    /** The current step size σ. */
    public double sigma() {
        return sigma;
    }

    @Override
    public float[] center() {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) mean[i];
        }
        return out;
    }

    @Override
    void sample(int m, float[] x) {
        double[] y = scratch.get();
        direction(m, x, y, 0, n);
        for (int i = 0; i < n; i++) {
            x[i] = (float) (mean[i] + sigma * y[n + i]);
        }
    }

    /** {@code z} into {@code out[zAt ..)} and {@code y = B·D·z} into {@code out[yAt ..)}. */
    private void direction(int m, float[] buffer, double[] out, int zAt, int yAt) {
        noise(m, buffer);
        for (int j = 0; j < n; j++) {
            out[zAt + j] = d[j] * buffer[j];
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i * n + j] * out[zAt + j];
            }
            out[yAt + i] = s;
        }
        for (int j = 0; j < n; j++) {
            out[zAt + j] = buffer[j];
        }
    }

    @Override
    void update(double[] fitness) {
        double[] w = new double[lambda];
        Ranks.assign(fitness, lambda, weightsByRank, w);
        float[] buffer = new float[n];
        double[] zy = new double[2 * n];
        double[] zw = new double[n];
        double[] yw = new double[n];
        double[][] ys = new double[lambda][];
        for (int m = 0; m < lambda; m++) {
            if (w[m] == 0) {
                continue;
            }
            direction(m, buffer, zy, 0, n);
            ys[m] = Arrays.copyOfRange(zy, n, 2 * n);
            for (int i = 0; i < n; i++) {
                zw[i] += w[m] * zy[i];
                yw[i] += w[m] * zy[n + i];
            }
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * yw[i];
        }
        double csNorm = Math.sqrt(cs * (2 - cs) * mueff);
        double psNorm = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i * n + j] * zw[j];
            }
            ps[i] = (1 - cs) * ps[i] + csNorm * s;
            psNorm += ps[i] * ps[i];
        }
        psNorm = Math.sqrt(psNorm);
        runGeneration++;
        boolean hsig = psNorm / Math.sqrt(1 - Math.pow(1 - cs, 2.0 * runGeneration)) / chiN < 1.4 + 2.0 / (n + 1);
        double ccNorm = Math.sqrt(cc * (2 - cc) * mueff);
        for (int i = 0; i < n; i++) {
            pc[i] = (1 - cc) * pc[i] + (hsig ? ccNorm * yw[i] : 0);
        }
        double decay = 1 - c1 - cmu + (hsig ? 0 : c1 * cc * (2 - cc));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = decay * c[i * n + j] + c1 * pc[i] * pc[j];
                for (int m = 0; m < lambda; m++) {
                    if (ys[m] != null) {
                        v += cmu * w[m] * ys[m][i] * ys[m][j];
                    }
                }
                c[i * n + j] = v;
                c[j * n + i] = v;
            }
        }
        sigma *= Math.exp(Math.min(1, cs / ds * (psNorm / chiN - 1)));
        if (runGeneration - eigenGeneration > lambda / ((c1 + cmu) * n * 10)) {
            decompose();
        }
        if (shouldStop(fitness) && restarts < maxRestarts) {
            restarts++;
            startRun(2 * lambda);
        }
    }

    private void decompose() {
        eigenGeneration = runGeneration;
        double[] values = new double[n];
        SymmetricEigen.decompose(c, n, values, b);
        for (int i = 0; i < n; i++) {
            d[i] = Math.sqrt(Math.max(values[i], 0));
        }
    }

    private boolean shouldStop(double[] fitness) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double f : fitness) {
            if (Double.isFinite(f)) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
        }
        history[(int) ((runGeneration - 1) % historyLength)] = lo;
        if (runGeneration >= historyLength) {
            for (int i = 0; i < historyLength; i++) {
                lo = Math.min(lo, history[i]);
                hi = Math.max(hi, history[i]);
            }
            if (hi - lo < TOL_FUN) {
                return true;
            }
        }
        double maxD = 0;
        double minD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            maxD = Math.max(maxD, d[i]);
            minD = Math.min(minD, d[i]);
        }
        return sigma * maxD < TOL_X * sigma0
                || !(maxD * maxD <= MAX_CONDITION * minD * minD)
                || !Double.isFinite(sigma);
    }

    @Override
    void distribution(StateBuffer s) {
        int l = (int) s.value(lambda);
        if (l != lambda) {
            configure(l);
        }
        restarts = s.value(restarts);
        runGeneration = s.value(runGeneration);
        eigenGeneration = s.value(eigenGeneration);
        s.values(mean);
        sigma = s.value(sigma);
        for (double[] a : new double[][] {c, b, d, pc, ps, history}) {
            s.values(a);
        }
    }

    /** Settings of {@link CmaEs}; {@code population} 0 means the default. */
    public static final class Builder extends SearchStrategy.Builder<Builder> {
        private int maxRestarts = 9;

        private Builder(float[] x0) {
            super(x0, 1f, 0);
        }

        /** IPOP restarts allowed (default 9; 0 turns them off). */
        public Builder maxRestarts(int maxRestarts) {
            this.maxRestarts = maxRestarts;
            return this;
        }

        @Override
        public CmaEs build() {
            return new CmaEs(this);
        }
    }
}

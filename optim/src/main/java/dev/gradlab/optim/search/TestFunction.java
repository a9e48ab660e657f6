package dev.gradlab.optim.search;

import java.util.SplittableRandom;

/**
 * Four of COCO's BBOB noiseless functions (Hansen et al., "Real-parameter black-box optimization
 * benchmarking 2009: noiseless functions definitions"), with {@code f_opt = 0} so that
 * {@code f(x*) = 0}, and {@code z = x − x_opt} unless said otherwise ({@code i} counts from 1):
 * <ul>
 *   <li>sphere (f1): {@code Σ z_i²};</li>
 *   <li>ellipsoid (f2, separable): {@code Σ 10^(6(i−1)/(D−1)) z_i²} with {@code z = T_osz(x − x_opt)},
 *       condition 1e6;</li>
 *   <li>rastrigin (f3): {@code 10(D − Σ cos 2πz_i) + Σ z_i²} with
 *       {@code z = Λ^10 T_asy^0.2(T_osz(x − x_opt))};</li>
 *   <li>rosenbrock (f8): {@code Σ_{i<D} 100(z_i² − z_{i+1})² + (z_i − 1)²} with
 *       {@code z = max(1, √D/8)(x − x_opt) + 1}.</li>
 * </ul>
 * {@code T_osz(x) = sign(x)·exp(x̂ + 0.049(sin c₁x̂ + sin c₂x̂))}, {@code x̂ = ln|x|} (0 at 0),
 * {@code c₁ = 10, c₂ = 7.9} for {@code x > 0}, else {@code 5.5, 3.1}; {@code T_asy^β(x)_i =
 * x_i^(1 + β(i−1)/(D−1)·√x_i)} for {@code x_i > 0}; {@code Λ^α = diag(α^((i−1)/(2(D−1))))}; the
 * exponents {@code (i−1)/(D−1)} are 0 when {@code D = 1}. {@code x_opt} is uniform in
 * {@code [−4, 4]^D} ({@code [−3, 3]^D} for rosenbrock) from the instance's seed, rounded to float so
 * that the optimum is a float vector. Values are computed in double.
 */
public final class TestFunction implements FlatFitness {

    /** The functions by name. */
    public enum Kind {
        SPHERE,
        ELLIPSOID,
        RASTRIGIN,
        ROSENBROCK
    }

    private final Kind kind;
    private final float[] optimum;

    private TestFunction(Kind kind, float[] optimum) {
        this.kind = kind;
        this.optimum = optimum;
    }

    /** The names {@link #of(String, int, long)} takes. */
    public static final java.util.List<String> NAMES =
            java.util.List.of("sphere", "ellipsoid", "rastrigin", "rosenbrock");

    /** Instance {@code seed} of the function named {@code function} (one of {@link #NAMES}). */
    public static TestFunction of(String function, int dim, long seed) {
        if (!NAMES.contains(function)) {
            throw new dev.gradlab.core.InvalidSettingException(
                    "function", "must be one of " + NAMES + ", got '" + function + "'");
        }
        return of(Kind.valueOf(function.toUpperCase(java.util.Locale.ROOT)), dim, seed);
    }

    /** Instance {@code seed} of {@code kind} in {@code dim} dimensions. */
    public static TestFunction of(Kind kind, int dim, long seed) {
        if (dim < 1 || kind == Kind.ROSENBROCK && dim < 2) {
            throw new dev.gradlab.core.InvalidSettingException(
                    "dim",
                    "must be >= " + (kind == Kind.ROSENBROCK ? 2 : 1) + " for "
                            + kind.name().toLowerCase(java.util.Locale.ROOT) + ", got " + dim);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double range = kind == Kind.ROSENBROCK ? 3 : 4;
        float[] optimum = new float[dim];
        for (int i = 0; i < dim; i++) {
            optimum[i] = (float) ((2 * random.nextDouble() - 1) * range);
        }
        return new TestFunction(kind, optimum);
    }

    public Kind kind() {
        return kind;
    }

    /** {@code x_opt}, where the function is 0. */
    public float[] optimum() {
        return optimum.clone();
    }

    public int dimension() {
        return optimum.length;
    }

    @Override
    public double evaluate(float[] x) {
        int n = optimum.length;
        if (x.length != n) {
            throw new IllegalArgumentException("x must have " + n + " elements, got " + x.length);
        }
        double f = 0;
        switch (kind) {
            case SPHERE -> {
                for (int i = 0; i < n; i++) {
                    double z = (double) x[i] - optimum[i];
                    f += z * z;
                }
            }
            case ELLIPSOID -> {
                for (int i = 0; i < n; i++) {
                    double z = oscillate((double) x[i] - optimum[i]);
                    f += Math.pow(10, 6 * exponent(i, n)) * z * z;
                }
            }
            case RASTRIGIN -> {
                double cosines = 0;
                for (int i = 0; i < n; i++) {
                    double z = oscillate((double) x[i] - optimum[i]);
                    if (z > 0) {
                        z = Math.pow(z, 1 + 0.2 * exponent(i, n) * Math.sqrt(z));
                    }
                    z *= Math.pow(10, exponent(i, n) / 2);
                    cosines += Math.cos(2 * Math.PI * z);
                    f += z * z;
                }
                f += 10 * (n - cosines);
            }
            case ROSENBROCK -> {
                double scale = Math.max(1, Math.sqrt(n) / 8);
                double zi = scale * ((double) x[0] - optimum[0]) + 1;
                for (int i = 0; i + 1 < n; i++) {
                    double zn = scale * ((double) x[i + 1] - optimum[i + 1]) + 1;
                    double a = zi * zi - zn;
                    f += 100 * a * a + (zi - 1) * (zi - 1);
                    zi = zn;
                }
            }
        }
        return f;
    }

    /** {@code (i − 1)/(D − 1)} for the 0-based index {@code i}; 0 in one dimension. */
    private static double exponent(int i, int n) {
        return n == 1 ? 0 : (double) i / (n - 1);
    }

    /** BBOB's T_osz, which makes a function's level sets irregular without moving its optimum. */
    static double oscillate(double x) {
        if (x == 0) {
            return 0;
        }
        double h = Math.log(Math.abs(x));
        double c1 = x > 0 ? 10 : 5.5;
        double c2 = x > 0 ? 7.9 : 3.1;
        return Math.signum(x) * Math.exp(h + 0.049 * (Math.sin(c1 * h) + Math.sin(c2 * h)));
    }
}

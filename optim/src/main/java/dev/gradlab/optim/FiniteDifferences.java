package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Population;
import dev.gradlab.simd.Simd;
import java.util.List;

/**
 * Gradient estimates from loss differences, with no backpropagation:
 *
 * <ul>
 *   <li>{@link #forward}: {@code g_j = (L(w + h e_j) − L(w)) / h}, D + 1 evaluations;
 *   <li>{@link #central}: {@code g_j = (L(w + h e_j) − L(w − h e_j)) / 2h}, 2D + 1 evaluations,
 *       error O(h²) instead of O(h);
 *   <li>{@link #directional}: for K random unit directions {@code u_k} (uniform on the sphere),
 *       the directional derivative {@code ⟨∇L, u_k⟩ ≈ (L(w + h u_k) − L(w)) / h} (that is,
 *       {@code (L(w + v) − L(w)) / |v|} with {@code v = h u_k}), turned into a gradient estimate as
 *       the average of {@code ⟨∇L, u_k⟩ u_k} over the directions, times D: since
 *       {@code E[u uᵀ] = I / D}, the plain average points along the gradient at 1/D of its length,
 *       and the factor D makes the estimate unbiased (as h → 0). K + 1 evaluations.
 * </ul>
 *
 * The step actually taken is {@code (w_j + h) − w_j} as rounded in float32, which is what the
 * coordinate-wise quotients divide by. Evaluations use the model's own forward, without a graph.
 */
public final class FiniteDifferences implements GradientEstimator {

    private enum Kind {
        FORWARD,
        CENTRAL,
        DIRECTIONAL
    }

    private final Kind kind;
    private final float h;
    private final int directions;
    private final long seed;

    private FiniteDifferences(Kind kind, float h, int directions, long seed) {
        this.kind = kind;
        this.h = Checks.positive("eps", h);
        this.directions = directions;
        this.seed = seed;
    }

    /** Forward differences in every coordinate, step {@code eps}. */
    public static FiniteDifferences forward(float eps) {
        return new FiniteDifferences(Kind.FORWARD, eps, 0, 0);
    }

    /** Central differences in every coordinate, step {@code eps}. */
    public static FiniteDifferences central(float eps) {
        return new FiniteDifferences(Kind.CENTRAL, eps, 0, 0);
    }

    /** Forward differences along {@code directions} random unit directions, step length {@code eps}. */
    public static FiniteDifferences directional(int directions, float eps, long seed) {
        return new FiniteDifferences(Kind.DIRECTIONAL, eps, Checks.positive("directions", directions), seed);
    }

    @Override
    public String name() {
        return switch (kind) {
            case FORWARD -> "fd-forward(eps=" + h + ")";
            case CENTRAL -> "fd-central(eps=" + h + ")";
            case DIRECTIONAL -> "fd-directional(K=" + directions + ", eps=" + h + ")";
        };
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public Estimate estimate(Module model, Objective objective, Batch batch, long step) {
        long start = System.nanoTime();
        List<Tensor> params = model.parameters();
        int d = Parameters.count(params);
        float[] gradient = new float[d];
        long evaluations;
        float loss;
        try (var scope = Tape.noGrad()) {
            loss = BatchLoss.of(model, objective, batch);
            evaluations = kind == Kind.DIRECTIONAL
                    ? 1 + directional(model, params, d, objective, batch, step, loss, gradient)
                    : 1 + coordinatewise(model, params, objective, batch, loss, gradient);
        }
        Parameters.setGrads(gradient, params);
        return new Estimate(evaluations, System.nanoTime() - start, loss);
    }

    private long coordinatewise(
            Module model, List<Tensor> params, Objective objective, Batch batch, float loss, float[] gradient) {
        long evaluations = 0;
        long unchanged = 0;
        int g = 0;
        for (Tensor p : params) {
            float[] w = p.data();
            for (int j = 0; j < w.length; j++, g++) {
                float old = w[j];
                float up = old + h;
                w[j] = up;
                float lossUp = BatchLoss.of(model, objective, batch);
                evaluations++;
                unchanged += lossUp == loss ? 1 : 0;
                if (kind == Kind.CENTRAL) {
                    float down = old - h;
                    w[j] = down;
                    float lossDown = BatchLoss.of(model, objective, batch);
                    evaluations++;
                    gradient[g] = (float) (((double) lossUp - lossDown) / ((double) up - down));
                } else {
                    gradient[g] = (float) (((double) lossUp - loss) / ((double) up - old));
                }
                w[j] = old;
            }
        }
        degenerate(unchanged, g);
        return evaluations;
    }

    /** A step that changed none of the {@code tried} losses measures nothing: say which way to move it. */
    private void degenerate(long unchanged, long tried) {
        if (tried > 0 && unchanged == tried) {
            throw new IllegalStateException(name() + ": all " + tried + " perturbed losses equal the unperturbed one,"
                    + " so the estimate would be 0: the step " + h + " is too small to change the loss in float32"
                    + " (raise it, e.g. to 1e-3), or the loss is flat here");
        }
    }

    private long directional(
            Module model,
            List<Tensor> params,
            int d,
            Objective objective,
            Batch batch,
            long step,
            float loss,
            float[] gradient) {
        float[] w0 = Parameters.flatten(params);
        float[] u = new float[d];
        float[] w = new float[d];
        double[] sum = new double[d];
        int unchanged = 0;
        try {
            for (int k = 0; k < directions; k++) {
                Simd.kernels().gaussian(seed, Population.stream(step, k), 0, u, 0, d);
                double norm = 0;
                for (float v : u) {
                    norm += (double) v * v;
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int j = 0; j < d; j++) {
                    u[j] *= inv;
                    w[j] = w0[j] + h * u[j];
                }
                Parameters.unflatten(w, params);
                float moved = BatchLoss.of(model, objective, batch);
                unchanged += moved == loss ? 1 : 0;
                double slope = ((double) moved - loss) / h;
                for (int j = 0; j < d; j++) {
                    sum[j] += slope * u[j];
                }
            }
        } finally {
            Parameters.unflatten(w0, params);
        }
        degenerate(unchanged, directions);
        double scale = (double) d / directions;
        for (int j = 0; j < d; j++) {
            gradient[j] = (float) (sum[j] * scale);
        }
        return directions;
    }
}

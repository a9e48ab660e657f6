package dev.gradlab.optim.search;

/**
 * The rule that moves a search distribution's center along an estimated ascent direction of the
 * members' utility (higher is better): Adam, SGD with momentum, or ClipUp (Toklu et al. 2020: the
 * gradient normalised to unit length, heavy-ball momentum, and the velocity's norm clipped to
 * {@code maxSpeed}). A settings value: each strategy keeps its own copy of the moments.
 */
public final class CenterOptimizer {

    enum Kind {
        ADAM,
        SGD,
        CLIPUP
    }

    final Kind kind;
    final float lr;
    final float a; // Adam: beta1; SGD and ClipUp: momentum
    final float b; // Adam: beta2; ClipUp: maxSpeed
    final float eps;

    private CenterOptimizer(Kind kind, float lr, float a, float b, float eps) {
        this.kind = kind;
        this.lr = SearchStrategy.positive("lr", lr);
        this.a = a;
        this.b = b;
        this.eps = eps;
    }

    /** Adam (β1 0.9, β2 0.999, ε 1e-8) with step size {@code lr}. */
    public static CenterOptimizer adam(float lr) {
        return new CenterOptimizer(Kind.ADAM, lr, 0.9f, 0.999f, 1e-8f);
    }

    /** SGD with heavy-ball momentum, {@code b = μ·b + g}, {@code c += lr·b} (PyTorch's rule). */
    public static CenterOptimizer sgd(float lr, float momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new dev.gradlab.core.InvalidSettingException("momentum", "must be in [0, 1), got " + momentum);
        }
        return new CenterOptimizer(Kind.SGD, lr, momentum, 0, 0);
    }

    /** ClipUp: {@code v = μ·v + lr·g/|g|}, {@code v} clipped to norm {@code maxSpeed}, {@code c += v}. */
    public static CenterOptimizer clipUp(float lr, float maxSpeed, float momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new dev.gradlab.core.InvalidSettingException("momentum", "must be in [0, 1), got " + momentum);
        }
        return new CenterOptimizer(Kind.CLIPUP, lr, momentum, SearchStrategy.positive("maxSpeed", maxSpeed), 0);
    }

    /** The moments of one center: Adam's two, the others' velocity. */
    final class Moments {
        final float[] first;
        final float[] second;
        long step;

        Moments(int dimension) {
            first = new float[dimension];
            second = kind == Kind.ADAM ? new float[dimension] : new float[0];
        }

        /** Moves {@code center} along the ascent direction {@code g}. */
        void ascend(float[] center, float[] g) {
            step++;
            switch (kind) {
                case ADAM -> {
                    double bc1 = 1 - Math.pow(a, step);
                    double bc2 = Math.sqrt(1 - Math.pow(b, step));
                    float stepSize = (float) (lr / bc1);
                    for (int i = 0; i < center.length; i++) {
                        first[i] = a * first[i] + (1 - a) * g[i];
                        second[i] = b * second[i] + (1 - b) * g[i] * g[i];
                        center[i] += stepSize * first[i] / ((float) (Math.sqrt(second[i]) / bc2) + eps);
                    }
                }
                case SGD -> {
                    for (int i = 0; i < center.length; i++) {
                        first[i] = a * first[i] + g[i];
                        center[i] += lr * first[i];
                    }
                }
                case CLIPUP -> {
                    double norm = 0;
                    for (float v : g) {
                        norm += (double) v * v;
                    }
                    float scale = norm > 0 ? (float) (lr / Math.sqrt(norm)) : 0f;
                    double speed = 0;
                    for (int i = 0; i < center.length; i++) {
                        first[i] = a * first[i] + scale * g[i];
                        speed += (double) first[i] * first[i];
                    }
                    speed = Math.sqrt(speed);
                    float clip = speed > b ? (float) (b / speed) : 1f;
                    for (int i = 0; i < center.length; i++) {
                        first[i] *= clip;
                        center[i] += first[i];
                    }
                }
            }
        }

        void state(StateBuffer s) {
            step = s.value(step);
            s.values(first);
            s.values(second);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ADAM -> "adam(lr=" + lr + ")";
            case SGD -> "sgd(lr=" + lr + ", momentum=" + a + ")";
            case CLIPUP -> "clipup(lr=" + lr + ", maxSpeed=" + b + ", momentum=" + a + ")";
        };
    }
}

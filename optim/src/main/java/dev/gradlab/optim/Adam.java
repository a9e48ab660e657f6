package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam with {@code torch.optim.Adam}'s semantics (no AMSGrad), step for step:
 *
 * <pre>
 *   g = g + weightDecay·p
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   p = p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * The bias corrections are computed in double, as PyTorch does in Python, and applied in float;
 * {@code a + α·b} updates are fused multiply-adds, as in PyTorch's vectorized CPU kernels. The state
 * of a parameter is its step count, {@code exp_avg} (m) and {@code exp_avg_sq} (v).
 */
public final class Adam extends Optimizer<Adam.Group> {

    static final String[] BUFFERS = {"exp_avg", "exp_avg_sq"};

    /** One group of {@link Adam} or {@link AdamW}: lr, β1, β2, ε, weight decay. */
    public static final class Group extends ParamGroup {
        private double beta1;
        private double beta2;
        private double eps;

        public Group(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
            super(params, lr, weightDecay);
            setBetas(beta1, beta2);
            setEps(eps);
        }

        public double beta1() {
            return beta1;
        }

        public double beta2() {
            return beta2;
        }

        public double eps() {
            return eps;
        }

        public void setBetas(double beta1, double beta2) {
            this.beta1 = Checks.inUnitInterval("beta1", beta1);
            this.beta2 = Checks.inUnitInterval("beta2", beta2);
        }

        public void setEps(double eps) {
            this.eps = Checks.finiteAtLeast("eps", eps, 0);
        }

        @Override
        public Map<String, Double> settings() {
            Map<String, Double> s = super.settings();
            s.put("beta1", beta1);
            s.put("beta2", beta2);
            s.put("eps", eps);
            return s;
        }

        @Override
        protected void loadSettings(Map<String, Double> s) {
            super.loadSettings(s);
            setBetas(s.get("beta1"), s.get("beta2"));
            setEps(s.get("eps"));
        }
    }

    public Adam(List<Group> groups) {
        super(groups, BUFFERS);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(List.of(group(params, lr, beta1, beta2, eps, weightDecay)));
    }

    /** Adam with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay. */
    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    static Group group(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        return new Group(params, decimal(lr), decimal(beta1), decimal(beta2), decimal(eps), decimal(weightDecay));
    }

    @Override
    protected void update(Group group, float[] w, float[] g, ParamState state) {
        step(group, w, g, state, (float) group.weightDecay());
    }

    /** The moments and the parameter update; {@code l2} is added to the gradient as {@code l2·p}. */
    static void step(Group group, float[] w, float[] g, ParamState state, float l2) {
        long t = state.step();
        double correction1 = 1 - Math.pow(group.beta1(), t);
        double correction2 = 1 - Math.pow(group.beta2(), t);
        float stepSize = (float) (-group.lr() / correction1);
        float sqrtCorrection2 = (float) Math.sqrt(correction2);
        float keep1 = (float) group.beta1();
        float take1 = (float) (1 - group.beta1());
        float keep2 = (float) group.beta2();
        float take2 = (float) (1 - group.beta2());
        float eps = (float) group.eps();
        float[] m = state.zeroBuffer(0);
        float[] v = state.zeroBuffer(1);
        for (int j = 0; j < w.length; j++) {
            float gj = l2 != 0 ? Math.fma(l2, w[j], g[j]) : g[j];
            float mj = Math.fma(take1, gj, m[j] * keep1);
            float vj = Math.fma(take2 * gj, gj, v[j] * keep2);
            m[j] = mj;
            v[j] = vj;
            float denom = (float) Math.sqrt(vj) / sqrtCorrection2 + eps;
            w[j] = w[j] + stepSize * mj / denom;
        }
    }
}

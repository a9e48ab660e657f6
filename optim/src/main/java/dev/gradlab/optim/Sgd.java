package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with {@code torch.optim.SGD}'s semantics, step for step:
 *
 * <pre>
 *   d = g + weightDecay·p
 *   b = d                                   (first step)
 *   b = momentum·b + (1 − dampening)·d      (later steps; the buffer persists)
 *   d = nesterov ? d + momentum·b : b       (when momentum ≠ 0)
 *   p = p − lr·d
 * </pre>
 *
 * <p>Each {@code a + α·b} is one fused multiply-add, as in PyTorch's vectorized CPU kernels, so
 * the trajectories agree to the bit. The state of a parameter is its {@code momentum_buffer}.
 */
public final class Sgd extends Optimizer<Sgd.Group> {

    private static final int MOMENTUM_BUFFER = 0;

    /** One group of {@link Sgd}: lr, momentum, dampening, weight decay, Nesterov. */
    public static final class Group extends ParamGroup {
        private double momentum;
        private double dampening;
        private boolean nesterov;

        public Group(
                List<Tensor> params,
                double lr,
                double momentum,
                double dampening,
                double weightDecay,
                boolean nesterov) {
            super(params, lr, weightDecay);
            set(momentum, dampening, nesterov);
        }

        public double momentum() {
            return momentum;
        }

        public double dampening() {
            return dampening;
        }

        public boolean nesterov() {
            return nesterov;
        }

        /** Sets the three settings that depend on each other: Nesterov needs momentum and no dampening. */
        public void set(double momentum, double dampening, boolean nesterov) {
            Checks.finiteAtLeast("momentum", momentum, 0);
            Checks.finiteAtLeast("dampening", dampening, 0);
            if (nesterov && (momentum == 0 || dampening != 0)) {
                throw new InvalidSettingException(
                        "nesterov",
                        "needs momentum > 0 and dampening 0, got momentum " + momentum + " and dampening " + dampening);
            }
            this.momentum = momentum;
            this.dampening = dampening;
            this.nesterov = nesterov;
        }

        @Override
        public Map<String, Double> settings() {
            Map<String, Double> s = super.settings();
            s.put("momentum", momentum);
            s.put("dampening", dampening);
            s.put("nesterov", nesterov ? 1.0 : 0.0);
            return s;
        }

        @Override
        protected void loadSettings(Map<String, Double> s) {
            super.loadSettings(s);
            set(s.get("momentum"), s.get("dampening"), flag("nesterov", s.get("nesterov")));
        }
    }

    public Sgd(List<Group> groups) {
        super(groups, "momentum_buffer");
    }

    public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        this(List.of(
                new Group(params, decimal(lr), decimal(momentum), decimal(dampening), decimal(weightDecay), nesterov)));
    }

    /** Plain SGD with momentum, the reference experiment's optimizer. */
    public Sgd(List<Tensor> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, 0f, false);
    }

    @Override
    protected void update(Group group, float[] w, float[] d, ParamState state) {
        int n = w.length;
        float weightDecay = (float) group.weightDecay();
        float momentum = (float) group.momentum();
        float keep = (float) (1 - group.dampening());
        float rate = (float) -group.lr();
        if (weightDecay != 0) {
            // d must not overwrite the gradient, which the caller still owns.
            float[] t = state.scratch();
            for (int j = 0; j < n; j++) {
                t[j] = Math.fma(weightDecay, w[j], d[j]);
            }
            d = t;
        }
        float[] b = state.buffer(MOMENTUM_BUFFER);
        if (momentum != 0 && !group.nesterov() && b != null) {
            // The common case in one pass: buffer and parameter updated together.
            for (int j = 0; j < n; j++) {
                float bj = Math.fma(keep, d[j], b[j] * momentum);
                b[j] = bj;
                w[j] = Math.fma(rate, bj, w[j]);
            }
            return;
        }
        if (momentum != 0) {
            if (b == null) {
                b = d.clone();
                state.setBuffer(MOMENTUM_BUFFER, b);
            } else {
                for (int j = 0; j < n; j++) {
                    b[j] = Math.fma(keep, d[j], b[j] * momentum);
                }
            }
            if (group.nesterov()) {
                float[] t = state.scratch();
                for (int j = 0; j < n; j++) {
                    t[j] = Math.fma(momentum, b[j], d[j]);
                }
                d = t;
            } else {
                d = b;
            }
        }
        for (int j = 0; j < n; j++) {
            w[j] = Math.fma(rate, d[j], w[j]);
        }
    }
}

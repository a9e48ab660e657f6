package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameters that share hyperparameters, as one entry of {@code torch.optim.Optimizer.param_groups}.
 * Every group has a learning rate, the learning rate a schedule starts from ({@code initial_lr},
 * the constructor's lr unless a schedule or a loaded state says otherwise) and a weight decay;
 * an optimizer's own group class adds the rest. Hyperparameters may change between steps.
 */
public abstract class ParamGroup {

    private final List<Tensor> params;
    private double lr;
    private double initialLr;
    private double weightDecay;

    protected ParamGroup(List<Tensor> params, double lr, double weightDecay) {
        this.params = Checks.parameters(params);
        setLr(lr);
        this.initialLr = lr;
        setWeightDecay(weightDecay);
    }

    public final List<Tensor> params() {
        return params;
    }

    public final double lr() {
        return lr;
    }

    /**
     * Sets the learning rate of the next steps; finite and {@code >= 0}, and not so small that it is 0
     * in float32, where the updates run.
     */
    public final void setLr(double lr) {
        if (lr > 0 && (float) lr == 0) {
            throw new InvalidSettingException(
                    "lr", "must be 0 or at least " + Float.MIN_VALUE + " (the smallest float32 above 0), got " + lr);
        }
        this.lr = Checks.finiteAtLeast("lr", lr, 0);
    }

    /** The learning rate a schedule scales: {@code base_lr}, saved as {@code initial_lr}. */
    public final double initialLr() {
        return initialLr;
    }

    public final void setInitialLr(double initialLr) {
        this.initialLr = Checks.finiteAtLeast("initialLr", initialLr, 0);
    }

    public final double weightDecay() {
        return weightDecay;
    }

    public final void setWeightDecay(double weightDecay) {
        this.weightDecay = Checks.finiteAtLeast("weightDecay", weightDecay, 0);
    }

    /** The hyperparameters by PyTorch's names (booleans as 0 and 1), for {@link Optimizer#stateDict()}. */
    public Map<String, Double> settings() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("lr", lr);
        s.put("initial_lr", initialLr);
        s.put("weight_decay", weightDecay);
        return s;
    }

    /** Sets the hyperparameters from what {@link #settings()} returned. */
    protected void loadSettings(Map<String, Double> s) {
        setLr(s.get("lr"));
        setInitialLr(s.get("initial_lr"));
        setWeightDecay(s.get("weight_decay"));
    }

    final void checkSettings(Map<String, Double> s) {
        Set<String> expected = settings().keySet();
        if (!s.keySet().equals(expected)) {
            throw new IllegalArgumentException("group settings must have the keys " + expected + ", got " + s.keySet());
        }
    }

    static boolean flag(String name, double value) {
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException(name + " must be 0 or 1, got " + value);
        }
        return value == 1;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(");
        settings().forEach((k, v) -> {
            if (!k.equals("initial_lr")) {
                b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v);
            }
        });
        return b.append(')').toString();
    }
}

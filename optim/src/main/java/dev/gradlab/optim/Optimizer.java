package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An update rule with parameter groups and per-parameter state, as {@code torch.optim.Optimizer}:
 * modules own the parameters, the optimizer owns how they move.
 *
 * <p>Each {@link ParamGroup} holds some of the parameters and their hyperparameters, which may be
 * changed between steps (a learning-rate schedule does so). Each parameter has a {@link ParamState}:
 * a step count and the named buffers of the rule (SGD's momentum buffer, Adam's moments).
 * {@link #stateDict()} exports both and {@link #loadStateDict} restores them, so a run can stop and
 * continue exactly. A subclass supplies only the update of one parameter in {@link #update}.
 * A parameter whose gradient is null is skipped.
 *
 * @param <G> the subclass's parameter group, with its hyperparameters
 */
public abstract class Optimizer<G extends ParamGroup> {

    private final List<G> groups = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private final List<String> bufferNames;

    /**
     * @param groups the first parameter groups; more may be added with {@link #addParamGroup}
     * @param bufferNames the names of the per-parameter buffers of the rule, in PyTorch's words
     */
    protected Optimizer(List<G> groups, String... bufferNames) {
        Objects.requireNonNull(groups, "groups");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("groups must hold at least one parameter group, got an empty list");
        }
        this.bufferNames = List.of(bufferNames);
        for (G g : groups) {
            addParamGroup(g);
        }
    }

    /**
     * Updates {@code w} in place from its gradient {@code g} under {@code group}'s hyperparameters;
     * {@code state} is this parameter's, its step count already advanced for this step.
     */
    protected abstract void update(G group, float[] w, float[] g, ParamState state);

    /** Updates every parameter that has a gradient, from that gradient. */
    public final void step() {
        for (G group : groups) {
            for (Tensor p : group.params()) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                ParamState s = state.get(p);
                s.advance();
                update(group, p.data(), grad.data(), s);
                p.bumpVersion();
            }
        }
    }

    /** Clears every parameter's gradient (to null, like {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** The parameters this optimizer updates: the groups' in order. */
    public List<Tensor> parameters() {
        return Collections.unmodifiableList(params);
    }

    /** The parameter groups, in the order they were added; their hyperparameters may be changed. */
    public List<G> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** Adds a group, as {@code add_param_group}; a parameter may belong to one group only. */
    public void addParamGroup(G group) {
        Objects.requireNonNull(group, "group");
        for (Tensor p : group.params()) {
            if (state.containsKey(p)) {
                throw new IllegalArgumentException("group " + groups.size() + " holds parameter "
                        + Arrays.toString(p.shape()) + " that is already in an earlier group");
            }
        }
        for (Tensor p : group.params()) {
            state.put(p, new ParamState(p.size(), bufferNames.size()));
            params.add(p);
        }
        groups.add(group);
    }

    /** The state of one of {@link #parameters()}. */
    public ParamState state(Tensor param) {
        ParamState s = state.get(param);
        if (s == null) {
            throw new IllegalArgumentException(
                    "param " + Arrays.toString(param.shape()) + " is not one of this optimizer's parameters");
        }
        return s;
    }

    /**
     * The groups' hyperparameters and each parameter's state, as {@code state_dict()}: parameters
     * are numbered in {@link #parameters()} order, buffers copied.
     */
    public StateDict stateDict() {
        List<StateDict.Group> gs = new ArrayList<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            gs.add(new StateDict.Group(ids(gi), groups.get(gi).settings()));
        }
        Map<Integer, StateDict.State> ss = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            ParamState s = state.get(params.get(i));
            if (s.step() == 0) {
                continue; // as in PyTorch, a parameter that never stepped has no state
            }
            Map<String, float[]> buffers = new LinkedHashMap<>();
            for (int k = 0; k < bufferNames.size(); k++) {
                if (s.buffer(k) != null) {
                    buffers.put(bufferNames.get(k), s.buffer(k).clone());
                }
            }
            ss.put(i, new StateDict.State(s.step(), buffers));
        }
        return new StateDict(gs, ss);
    }

    /**
     * Restores what {@link #stateDict()} exported, from an optimizer of the same kind over
     * parameters of the same shapes in the same groups. Checks everything before it changes anything.
     */
    public void loadStateDict(StateDict dict) {
        Objects.requireNonNull(dict, "dict");
        if (dict.paramGroups().size() != groups.size()) {
            throw new IllegalArgumentException("dict must have " + groups.size() + " parameter groups, got "
                    + dict.paramGroups().size());
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            List<Integer> ids = dict.paramGroups().get(gi).params();
            if (!ids.equals(ids(gi))) {
                throw new IllegalArgumentException("group " + gi + " must hold parameters " + ids(gi) + ", got " + ids);
            }
            groups.get(gi).checkSettings(dict.paramGroups().get(gi).settings());
        }
        for (var e : dict.state().entrySet()) {
            int i = e.getKey();
            if (i < 0 || i >= params.size()) {
                throw new IllegalArgumentException(
                        "state key must be a parameter index in [0, " + params.size() + "), got " + i);
            }
            if (e.getValue().step() < 1) {
                throw new IllegalArgumentException(
                        "state " + i + " step must be >= 1, got " + e.getValue().step());
            }
            for (var b : e.getValue().buffers().entrySet()) {
                if (!bufferNames.contains(b.getKey())) {
                    throw new IllegalArgumentException(
                            "state " + i + " buffer must be one of " + bufferNames + ", got '" + b.getKey() + "'");
                }
                if (b.getValue().length != params.get(i).size()) {
                    throw new IllegalArgumentException("state " + i + " buffer " + b.getKey() + " must have "
                            + params.get(i).size() + " values, got " + b.getValue().length);
                }
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            groups.get(gi).loadSettings(dict.paramGroups().get(gi).settings());
        }
        for (int i = 0; i < params.size(); i++) {
            StateDict.State saved = dict.state().get(i);
            ParamState s = new ParamState(params.get(i).size(), bufferNames.size());
            if (saved != null) {
                s.restore(saved.step());
                for (int k = 0; k < bufferNames.size(); k++) {
                    float[] b = saved.buffers().get(bufferNames.get(k));
                    s.setBuffer(k, b == null ? null : b.clone());
                }
            }
            state.put(params.get(i), s);
        }
    }

    /** The indices in {@link #parameters()} of group {@code g}'s parameters: the groups hold them in turn. */
    private List<Integer> ids(int g) {
        int first =
                groups.subList(0, g).stream().mapToInt(x -> x.params().size()).sum();
        return IntStream.range(first, first + groups.get(g).params().size())
                .boxed()
                .toList();
    }

    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        return groups.size() == 1 ? name + groups.get(0) : name + groups;
    }

    /**
     * The double a user means by a float hyperparameter (0.9f → 0.9): PyTorch computes with Python
     * doubles, and {@code 1 − (double) 0.9f} rounds to a different float than {@code 1 − 0.9}.
     */
    static double decimal(float x) {
        return Double.parseDouble(Float.toString(x));
    }
}

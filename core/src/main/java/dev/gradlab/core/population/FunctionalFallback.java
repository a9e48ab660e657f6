package dev.gradlab.core.population;

import dev.gradlab.core.ParameterBinding;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.List;

/**
 * The population path of a module with parameters that has none of its own: for each member, its
 * ordinary forward with the module's parameters bound, on this thread only, to perturbed copies
 * (see {@link ParameterBinding}). Correct for any module; it builds each member's parameters
 * instead of sharing products.
 */
final class FunctionalFallback {

    private final PopulationEvaluator.Evaluation ev;
    /** Set by the center pass when some module needs the fallback, so that a binding is opened. */
    boolean used;
    /** The modules that needed it, in the order the center pass met them. */
    final java.util.List<Module> modules = new java.util.ArrayList<>();
    ParameterBinding binding;
    private final ThreadLocal<float[][]> values = new ThreadLocal<>();

    FunctionalFallback(PopulationEvaluator.Evaluation ev) {
        this.ev = ev;
    }

    void forward(Members members, Module module) {
        if (binding == null) {
            throw new IllegalStateException("module " + module + " needs the functional fallback, but the center pass"
                    + " did not reach it: its forwardMembers must visit the same modules for the center and members");
        }
        List<Tensor> params = ev.params;
        float[][] own = values.get();
        if (own == null) {
            own = new float[params.size()][];
            values.set(own);
        }
        // The parameters' own arrays, read before this thread binds anything.
        float[][] bound = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            bound[i] = params.get(i).data();
        }
        List<Tensor> moduleParams = module.parameters();
        Tensor[] outs = new Tensor[members.count()];
        for (int m = 0; m < members.count(); m++) {
            for (Tensor p : moduleParams) {
                int i = ev.index(p);
                if (own[i] == null || own[i].length != p.size()) {
                    own[i] = new float[p.size()];
                }
                System.arraycopy(bound[i], 0, own[i], 0, p.size());
                members.perturbation().addTo(members.noise(p), 0, p, members.sign(m) * members.sigma(), own[i], 0);
                bound[i] = own[i];
            }
            Tensor in = members.isShared() ? members.sharedInput() : members.input(m);
            binding.bind(bound);
            try {
                outs[m] = module.forward(in);
            } finally {
                binding.unbind();
            }
            for (Tensor p : moduleParams) {
                int i = ev.index(p);
                bound[i] = p.data();
            }
        }
        for (int m = 0; m < outs.length; m++) {
            members.setOutput(m, outs[m]);
        }
        members.advance();
    }
}

package dev.gradlab.core.population;

import dev.gradlab.core.ParameterBinding;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;

/**
 * One member of a {@link Population} as a module's member phase sees it
 * ({@link PopulationForward#forwardMember}): the model at {@code w + s·σ·E}, {@code E} being its
 * direction's perturbation and {@code s} its sign. A module asks for its parameters' values at the
 * member, or their perturbation, and never for σ, signs or noise: those are the evaluator's.
 */
public final class Member {

    final PopulationEvaluator.Worker worker;
    /** +1, or −1 for the second member of an antithetic pair. */
    final float sign;
    /** The shared input of this member's own activations. */
    final SharedInput own = new SharedInput(null, this);

    int direction;
    /** This member's index in the population: the one its loss is reported at. */
    int index;
    /** The module being evaluated, whose parameters this member is asked for. */
    PopulationEvaluator.Step<?> step;

    Member(PopulationEvaluator.Worker worker, float sign) {
        this.worker = worker;
        this.sign = sign;
    }

    /** {@code param + s·σ·E}: one of the module's parameters at this member, as a workspace tensor. */
    public Tensor perturbed(Tensor param) {
        int i = step.index(param);
        Tensor values = Workspace.uninitialized(param.shape());
        System.arraycopy(param.data(), 0, values.data(), 0, param.size());
        family().addTo(noise(i), 0, param, scale(), values.data(), 0);
        return values;
    }

    /** {@code s·σ·E}: this member's perturbation of one of the module's parameters, as a workspace tensor. */
    public Tensor perturbation(Tensor param) {
        int i = step.index(param);
        Tensor delta = Workspace.uninitialized(param.shape());
        family().scaled(noise(i), param, scale(), delta.data());
        return delta;
    }

    Perturbation family() {
        return worker.ev.population.perturbation();
    }

    float sigma() {
        return worker.ev.population.sigma();
    }

    /** {@code s·σ}: what this member's noise is multiplied by. */
    float scale() {
        return sign * sigma();
    }

    /** This member's direction's noise for parameter {@code i} of the model. */
    float[] noise(int i) {
        return worker.noise(i, direction);
    }

    /**
     * The functional fallback: the module's ordinary forward with its parameters bound, on this
     * thread only, to this member's values ({@link ParameterBinding}). An output that reads a bound
     * array (the parameter itself, or a view of it) would read the unperturbed values once unbound,
     * so it is copied first.
     */
    Tensor forwardBound(Tensor input) {
        PopulationEvaluator.Step<?> s = step;
        float[][] values = worker.values;
        for (int j = 0; j < s.params.length; j++) {
            values[s.offset + j] = perturbed(s.params[j]).data();
        }
        ParameterBinding binding = worker.ev.binding;
        binding.bind(values);
        try {
            Tensor out = s.module.forward(input);
            float[] data = out.data();
            for (int j = 0; j < s.params.length; j++) {
                if (data == values[s.offset + j]) {
                    Tensor copy = Workspace.uninitialized(out.shape());
                    System.arraycopy(data, 0, copy.data(), 0, out.size());
                    return copy;
                }
            }
            return out;
        } finally {
            binding.unbind();
            java.util.Arrays.fill(values, s.offset, s.offset + s.params.length, null);
        }
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or a network of layers: a forward function and the parameters it owns. Any module can be
 * evaluated for a whole population of perturbed parameters
 * ({@link dev.gradlab.core.population.PopulationEvaluator}); one that shares work between the
 * members also implements {@link dev.gradlab.core.population.PopulationForward}.
 */
public interface Module {

    Tensor forward(Tensor x);

    /** The tensors this module trains, in a stable order (the order flattening uses). */
    List<Tensor> parameters();

    /**
     * The parameters by name, as PyTorch's {@code state_dict()}, in {@link #parameters()} order; the
     * tensors are the parameters themselves, not copies. The default names a leaf module's tensors
     * as PyTorch's layers do: {@code weight}, then {@code bias}; a module with more tensors, or
     * others, names them itself. {@link Sequential} prefixes its layers' names with theirs
     * ({@code 0.weight}, {@code features.0.bias}).
     */
    default Map<String, Tensor> stateDict() {
        List<Tensor> parameters = parameters();
        if (parameters.size() > 2) {
            throw new UnsupportedOperationException(getClass().getName() + " has " + parameters.size()
                    + " parameter tensors: it must name them by overriding stateDict()");
        }
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            named.put(i == 0 ? "weight" : "bias", parameters.get(i));
        }
        return named;
    }

    /**
     * Copies {@code state} into this module's parameters, as PyTorch's
     * {@code load_state_dict(state, strict=True)}: the names must be exactly those of
     * {@link #stateDict()} and every shape must match; otherwise nothing is copied. Each parameter's
     * version is advanced ({@link Tensor#bumpVersion()}), so that a backward that saved it fails.
     *
     * @throws IllegalArgumentException naming the missing and unexpected keys, or the key whose
     *     shape differs with both shapes
     */
    default void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        if (!own.keySet().equals(state.keySet())) {
            TreeSet<String> missing = new TreeSet<>(own.keySet());
            missing.removeAll(state.keySet());
            TreeSet<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            throw new IllegalArgumentException("state dict does not match " + this + ": missing keys " + missing
                    + ", unexpected keys " + unexpected);
        }
        for (var e : own.entrySet()) {
            int[] expected = e.getValue().shape();
            int[] actual = state.get(e.getKey()).shape();
            if (!Arrays.equals(expected, actual)) {
                throw new IllegalArgumentException("state dict key " + e.getKey() + " must have shape "
                        + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
            }
        }
        for (var e : own.entrySet()) {
            Tensor p = e.getValue();
            float[] values = state.get(e.getKey()).data();
            System.arraycopy(values, 0, p.data(), 0, values.length);
            p.bumpVersion();
        }
    }

    /**
     * Puts this module in training mode ({@code true}) or evaluation mode, as PyTorch's
     * {@code train(mode)}; returns this. Modules start in training mode. Only modules that behave
     * differently in the two modes ({@link Dropout}) keep the flag; containers pass it to their
     * layers; the default ignores it.
     */
    default Module train(boolean mode) {
        return this;
    }

    /** Training mode, as PyTorch's {@code train()}: what backprop trains in. */
    default Module train() {
        return train(true);
    }

    /** Evaluation mode, as PyTorch's {@code eval()}: what evaluation and ES and GA populations run in. */
    default Module eval() {
        return train(false);
    }

    /** True in training mode; a module that ignores the mode reports true, PyTorch's default. */
    default boolean isTraining() {
        return true;
    }
}

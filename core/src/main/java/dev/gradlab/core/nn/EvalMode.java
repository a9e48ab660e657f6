package dev.gradlab.core.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A scope in which a model runs in evaluation mode ({@link Module#eval()}: dropout is the identity),
 * as PyTorch's {@code model.eval()} before a test pass. Closing it gives the model, every
 * {@link Sequential} in it and their layers the mode each had, so a model left in training mode
 * by backprop trains on afterwards, and mixed modes survive.
 *
 * <pre>{@code
 * try (var eval = EvalMode.of(model)) {
 *     logits = model.forward(x);
 * }
 * }</pre>
 */
public final class EvalMode implements AutoCloseable {

    private final List<Module> modules = new ArrayList<>();
    private final boolean[] modes;

    private EvalMode(Module model) {
        collect(model);
        modes = new boolean[modules.size()];
        for (int i = 0; i < modes.length; i++) {
            modes[i] = modules.get(i).isTraining();
        }
        model.eval();
    }

    /** Puts {@code model} in evaluation mode until the scope closes. */
    public static EvalMode of(Module model) {
        return new EvalMode(model);
    }

    private void collect(Module module) {
        modules.add(module);
        if (module instanceof Sequential s) {
            for (Module layer : s.layers()) {
                collect(layer);
            }
        }
    }

    /** Gives every module its mode back; containers first, since a container's train(mode) sets its layers. */
    @Override
    public void close() {
        for (int i = 0; i < modes.length; i++) {
            modules.get(i).train(modes[i]);
        }
    }
}

package dev.gradlab.core;

import java.util.List;

/**
 * A scope in which each thread can give a model's parameters values of its own without touching
 * the model, as {@code torch.func.functional_call} does: while it is open, a thread that has called
 * {@link #bind} sees its arrays through {@link Tensor#data()}, and every other thread sees the
 * parameters' own values. This is how any module, whatever its forward does, is evaluated at many
 * parameter vectors in parallel.
 *
 * <pre>{@code
 * try (var binding = ParameterBinding.open(model.parameters())) {
 *     Parallel.forEach(threads, t -> {
 *         binding.bind(valuesOf(t));          // one array per parameter, of its size
 *         try { losses[t] = loss(model.forward(x)); } finally { binding.unbind(); }
 *     });
 * }
 * }</pre>
 *
 * Opened and closed on one thread, with no other binding open on the same tensors.
 */
public final class ParameterBinding implements AutoCloseable {

    private final Tensor[] params;
    private final ThreadLocal<float[]>[] slots;

    @SuppressWarnings("unchecked")
    private ParameterBinding(List<Tensor> params) {
        this.params = params.toArray(new Tensor[0]);
        this.slots = new ThreadLocal[this.params.length];
        for (int i = 0; i < this.params.length; i++) {
            Tensor p = this.params[i];
            if (p.bound != null) {
                throw new IllegalStateException("parameter " + i + " " + java.util.Arrays.toString(p.shape())
                        + " is already bound by another open ParameterBinding");
            }
            slots[i] = new ThreadLocal<>();
            p.bound = slots[i];
        }
    }

    /** Opens a binding scope over {@code params}. */
    public static ParameterBinding open(List<Tensor> params) {
        return new ParameterBinding(params);
    }

    /**
     * On this thread, parameter {@code i} reads {@code values[i]} until {@link #unbind}; the arrays
     * are used as they are, not copied. A null entry leaves that parameter its own values.
     */
    public void bind(float[][] values) {
        if (values.length != params.length) {
            throw new IllegalArgumentException(
                    "values must have one array per parameter (" + params.length + "), got " + values.length);
        }
        for (int i = 0; i < params.length; i++) {
            if (values[i] != null && values[i].length != params[i].size()) {
                throw new IllegalArgumentException("values[" + i + "] must have " + params[i].size()
                        + " elements (parameter " + java.util.Arrays.toString(params[i].shape()) + "), got "
                        + values[i].length);
            }
            slots[i].set(values[i]);
        }
    }

    /** This thread sees the parameters' own values again. */
    public void unbind() {
        for (ThreadLocal<float[]> slot : slots) {
            slot.remove();
        }
    }

    @Override
    public void close() {
        for (Tensor p : params) {
            p.bound = null;
        }
    }
}

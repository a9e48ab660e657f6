package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.ops.ReQUFunction;
import java.util.List;

/**
 * ReQU as a layer: {@code z = x²} where {@code x > 0}, else 0. It applies a new
 * {@link ReQUFunction} per call, which is how a user plugs in an activation of their own.
 */
public final class ReQU implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return new ReQUFunction().apply(x);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReQU()";
    }
}

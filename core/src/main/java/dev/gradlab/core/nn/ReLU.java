package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.List;

/** The elementwise activation {@code y = max(x, 0)}, as a layer. */
public final class ReLU implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.List;

/** The elementwise activation {@code y = tanh(x)}, as a layer. */
public final class Tanh implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.List;

/** The elementwise activation {@code y = 1 / (1 + e^-x)}, as a layer. */
public final class Sigmoid implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}

package dev.gradlab.core.example;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.List;

/** The README's example layer: a new Function instance per call. */
public final class SoftplusLayer implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return new Softplus().apply(x);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }
}

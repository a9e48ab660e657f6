package com.example.gradlab;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import java.util.List;

/** {@link Silu} as a layer of a {@link dev.gradlab.core.nn.Sequential}: a new Function per call. */
public final class SiluLayer implements Module {

    @Override
    public Tensor forward(Tensor x) {
        return new Silu().apply(x);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "SiLU()";
    }
}

package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.List;

/** A layer or a network of layers: a forward function and the parameters it owns. */
public interface Module {

    Tensor forward(Tensor x);

    /** The tensors this module trains, in a stable order (the order flattening uses). */
    List<Tensor> parameters();
}

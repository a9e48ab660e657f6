package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; its parameters are theirs, in layer order. */
public final class Sequential implements Module {

    private final List<Module> layers;
    private final List<Tensor> parameters;
    private boolean training = true;

    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("layer " + i + " of " + layers.length + " is null");
            }
        }
        this.layers = List.of(layers);
        List<Tensor> all = new ArrayList<>();
        for (Module layer : layers) {
            all.addAll(layer.parameters());
        }
        this.parameters = List.copyOf(all);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            y = layers.get(i).forward(y);
        }
        return y;
    }

    @Override
    public List<Tensor> parameters() {
        return parameters;
    }

    /** Sets the mode of this container and of every layer in it. */
    @Override
    public Sequential train(boolean mode) {
        training = mode;
        for (Module layer : layers) {
            layer.train(mode);
        }
        return this;
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    public List<Module> layers() {
        return layers;
    }

    @Override
    public String toString() {
        return "Sequential" + layers;
    }
}

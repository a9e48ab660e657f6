package dev.gradlab.core.nn;

import dev.gradlab.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers applied in order; its parameters are theirs, in layer order. Each layer has a name, its
 * index by default ({@code 0}, {@code 1}, ...) or the one given as to PyTorch's
 * {@code nn.Sequential(OrderedDict(...))}; {@link #stateDict()} prefixes the layer's tensor names
 * with it ({@code 0.weight}, {@code features.0.bias}).
 */
public final class Sequential implements Module {

    private final List<String> names;
    private final List<Module> layers;
    private final List<Tensor> parameters;
    private boolean training = true;

    public Sequential(Module... layers) {
        this(indexNames(layers.length), List.of(nonNull(layers)));
    }

    /** Layers named by the map's keys, in its iteration order (a {@link LinkedHashMap}). */
    public Sequential(Map<String, ? extends Module> layers) {
        this(List.copyOf(layers.keySet()), List.copyOf(layers.values()));
    }

    private Sequential(List<String> names, List<Module> layers) {
        for (String name : names) {
            if (name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("layer names must be non-empty and without '.', got '" + name + "'");
            }
        }
        this.names = names;
        this.layers = layers;
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

    /** Every layer's {@link Module#stateDict()}, its names prefixed with the layer's name and a dot. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String prefix = names.get(i) + ".";
            layers.get(i).stateDict().forEach((name, tensor) -> state.put(prefix + name, tensor));
        }
        return state;
    }

    /** The layers' names, in order. */
    public List<String> names() {
        return names;
    }

    private static Module[] nonNull(Module[] layers) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("layer " + i + " of " + layers.length + " is null");
            }
        }
        return layers;
    }

    private static List<String> indexNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return names;
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

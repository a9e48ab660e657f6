package dev.gradlab.core.model;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A multi-layer perceptron: layer sizes from input to output (784-512-10 for the reference network),
 * the activation after every hidden layer and whether the linear layers have biases. {@link #build}
 * makes the equivalent of PyTorch's {@code nn.Sequential(Linear, activation, Linear, ...)}, and
 * {@link #parameterNames()} names its parameters as that module's {@code state_dict()} does.
 */
public record Architecture(int[] sizes, Activation activation, boolean bias) {

    public Architecture {
        if (sizes.length < 2) {
            throw new IllegalArgumentException(
                    "sizes must list at least the input and output size, got " + Arrays.toString(sizes));
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("sizes[" + i + "] must be >= 1, got " + sizes[i]);
            }
        }
        sizes = sizes.clone();
    }

    /** The network with input {@code features}, the given hidden sizes and {@code classes} outputs. */
    public static Architecture of(int features, int[] hidden, int classes, Activation activation, boolean bias) {
        for (int size : hidden) {
            if (size < 1) {
                throw new InvalidSettingException("hidden", "must be sizes >= 1, got " + Arrays.toString(hidden));
            }
        }
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = features;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = classes;
        return new Architecture(sizes, activation, bias);
    }

    /** The architecture as {@link #layers()}, the activation's name and {@code true|false} write it. */
    public static Architecture parse(String layers, String activation, String bias) {
        if (!bias.equals("true") && !bias.equals("false")) {
            throw new IllegalArgumentException("bias must be true or false, got '" + bias + "'");
        }
        int[] sizes;
        try {
            sizes = Arrays.stream(layers.split("-")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "layers must be sizes joined by dashes, such as 784-512-10, got '" + layers + "'");
        }
        return new Architecture(sizes, Activation.parse(activation), Boolean.parseBoolean(bias));
    }

    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * The names PyTorch's {@code state_dict()} gives the parameters of the equivalent
     * {@code nn.Sequential}, in {@link Sequential#parameters()} order: {@code 0.weight}, {@code 0.bias},
     * {@code 2.weight}, ... (a Linear at every even index, its activation after it).
     */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            names.add(2 * i + ".weight");
            if (bias) {
                names.add(2 * i + ".bias");
            }
        }
        return names;
    }

    public long parameterCount() {
        long count = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            count += (long) sizes[i + 1] * (sizes[i] + (bias ? 1 : 0));
        }
        return count;
    }

    /**
     * A freshly initialised network whose layers draw, in order, from one generator seeded with
     * {@code seed}: the same initial weights as {@code torch.manual_seed(seed)} followed by the
     * same {@code nn.Sequential} in PyTorch.
     */
    public Sequential build(long seed) {
        TorchGenerator generator = new TorchGenerator(seed);
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                layers.add(activation.create());
            }
            layers.add(new Linear(sizes[i], sizes[i + 1], bias, generator));
        }
        return new Sequential(layers.toArray(Module[]::new));
    }

    /** The spec of {@link #build}'s network, which rebuilds it with the same weights for a seed. */
    public ModelSpec spec() {
        return ModelSpec.of(build(0));
    }

    /**
     * Checks that {@code model} is the network this architecture describes, module by module: a
     * {@link Sequential} of {@link Linear} layers of these sizes, with or without biases as this says,
     * each hidden one followed by this activation's module (its exact class, not a user's subclass
     * or module). Shapes alone are not enough: another activation has no parameters to differ by.
     *
     * @throws IllegalArgumentException naming the first module that differs
     */
    public void requireDescribes(Module model) {
        if (!(model instanceof Sequential sequential)) {
            throw new IllegalArgumentException("model must be a Sequential for " + this + ", got " + model);
        }
        List<Module> modules = sequential.layers();
        int expected = 2 * (sizes.length - 1) - 1;
        if (modules.size() != expected) {
            throw new IllegalArgumentException("model must have " + expected + " modules for " + this + ", got "
                    + modules.size() + ": " + modules);
        }
        Class<? extends Module> activationClass = activation.create().getClass();
        for (int i = 0; i < modules.size(); i++) {
            Module m = modules.get(i);
            int layer = i / 2;
            String wanted = i % 2 == 1
                    ? activationClass.getSimpleName()
                    : "Linear(" + sizes[layer] + ", " + sizes[layer + 1] + (bias ? "" : ", bias=false") + ")";
            boolean matches = i % 2 == 1
                    ? m.getClass() == activationClass
                    : m instanceof Linear l
                            && l.in() == sizes[layer]
                            && l.out() == sizes[layer + 1]
                            && (l.bias() != null) == bias;
            if (!matches) {
                throw new IllegalArgumentException(
                        "model module " + i + " must be " + wanted + " for " + this + ", got " + m);
            }
        }
    }

    /** The sizes joined by dashes, as in "784-512-10". */
    public String layers() {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    @Override
    public String toString() {
        return layers() + " " + activation + (bias ? ", with biases" : ", no biases");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a
                && Arrays.equals(sizes, a.sizes)
                && activation == a.activation
                && bias == a.bias;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + activation.hashCode() * 2 + (bias ? 1 : 0);
    }
}

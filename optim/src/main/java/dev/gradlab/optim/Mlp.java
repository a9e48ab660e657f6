package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.simd.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * A multilayer perceptron seen as plain arrays, for loss evaluations straight on the simd kernels:
 * a {@link Sequential} of {@link Linear} layers, each followed by at most one of {@link Sigmoid},
 * {@link ReLU}, {@link ReQU}, {@link Tanh}. Each layer knows where its weight and bias sit in the
 * flat parameter vector ({@code model.parameters()} order).
 */
final class Mlp {

    enum Activation {
        NONE, SIGMOID, RELU, REQU, TANH;

        /** Applies the activation in place to {@code z[offset .. offset + n)}. */
        void apply(Kernels k, float[] z, int offset, int n) {
            switch (this) {
                case SIGMOID -> k.sigmoid(z, offset, z, offset, n);
                case RELU -> k.relu(z, offset, z, offset, n);
                case REQU -> k.requ(z, offset, z, offset, n);
                case TANH -> k.tanh(z, offset, z, offset, n);
                case NONE -> {
                }
            }
        }
    }

    /**
     * One {@code y = act(x Wᵀ + b)}: weight {@code out × in} (live array), bias live array or null,
     * and their offsets in the flat parameter vector (bias offset −1 without bias).
     */
    record Layer(int in, int out, float[] weight, float[] bias, int weightOffset, int biasOffset,
                 Activation activation) {
    }

    final Layer[] layers;
    final int parameterCount;

    Mlp(Layer... layers) {
        this.layers = layers.clone();
        int count = 0;
        for (Layer l : layers) {
            count += l.in * l.out + (l.bias == null ? 0 : l.out);
        }
        this.parameterCount = count;
    }

    int inputs() {
        return layers[0].in;
    }

    int outputs() {
        return layers[layers.length - 1].out;
    }

    /**
     * The MLP view of {@code model}, or null when it is not an MLP of the supported layers or when
     * its parameters are not exactly the layers' weights and biases in order.
     */
    static Mlp of(Module model) {
        if (!(model instanceof Sequential sequential)) {
            return null;
        }
        List<Module> modules = sequential.layers();
        List<Layer> layers = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < modules.size(); i++) {
            if (!(modules.get(i) instanceof Linear linear)) {
                return null;
            }
            Activation activation = Activation.NONE;
            if (i + 1 < modules.size()) {
                activation = activation(modules.get(i + 1));
                if (activation != Activation.NONE) {
                    i++;
                }
            }
            Tensor w = linear.weight();
            Tensor b = linear.bias();
            int in = linear.in();
            int out = linear.out();
            int biasOffset = b == null ? -1 : offset + in * out;
            layers.add(new Layer(in, out, w.data(), b == null ? null : b.data(), offset, biasOffset, activation));
            offset += in * out + (b == null ? 0 : out);
            expected.add(w);
            if (b != null) {
                expected.add(b);
            }
        }
        List<Tensor> actual = model.parameters();
        if (layers.isEmpty() || actual.size() != expected.size()) {
            return null;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (actual.get(i) != expected.get(i)) {
                return null;
            }
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).in != layers.get(i - 1).out) {
                return null;
            }
        }
        return new Mlp(layers.toArray(new Layer[0]));
    }

    private static Activation activation(Module m) {
        if (m instanceof Sigmoid) {
            return Activation.SIGMOID;
        }
        if (m instanceof ReLU) {
            return Activation.RELU;
        }
        if (m instanceof ReQU) {
            return Activation.REQU;
        }
        if (m instanceof Tanh) {
            return Activation.TANH;
        }
        return Activation.NONE;
    }
}

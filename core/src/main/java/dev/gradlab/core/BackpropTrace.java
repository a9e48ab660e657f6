package dev.gradlab.core;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Backpropagation written out number by number, for a network small enough to check by hand: a
 * {@link Sequential} of {@link Linear} layers and parameter-free elementwise activations, one sample,
 * cross-entropy. It runs one forward and one backward on the tape, keeping every intermediate
 * gradient ({@link Tensor#retainGrad()}), and writes:
 *
 * <ol>
 *   <li>every value of the forward pass, with the sum or function that gives it;</li>
 *   <li>every local gradient of the backward pass, in the order the tape visits the layers (output
 *       first), each as the chain-rule product it is ({@code ∂L/∂z1[0] = ∂L/∂h1[0] · σ'(z1[0]) = …});</li>
 *   <li>each parameter's gradient from the tape beside a central finite difference of the loss.</li>
 * </ol>
 *
 * An activation's local derivative {@code f'(z)} is taken from its own backward (the gradient of
 * {@code Σ f(z)}), so a wrong backward shows up as a mismatch with the finite differences.
 */
public final class BackpropTrace {

    /** The default step of the central differences. */
    public static final double DEFAULT_STEP = 1e-3;

    /** One parameter element: the tape's gradient and the central difference of the loss. */
    public record ParameterGradient(String name, double backprop, double finiteDifference) {

        public double error() {
            return Math.abs(backprop - finiteDifference);
        }
    }

    private final List<String> lines = new ArrayList<>();
    private final List<ParameterGradient> gradients = new ArrayList<>();
    private final List<Double> products = new ArrayList<>();
    private final List<Double> tapeValues = new ArrayList<>();
    private float loss;

    private BackpropTrace() {}

    /** {@link #of(Sequential, float[], int, double)} with {@link #DEFAULT_STEP}. */
    public static BackpropTrace of(Sequential model, float[] x, int label) {
        return of(model, x, label, DEFAULT_STEP);
    }

    /**
     * Traces one forward and backward pass of {@code model} on the sample {@code x} with class
     * {@code label}; its parameters' gradients are left holding the tape's.
     *
     * @throws IllegalArgumentException when a layer is neither a Linear nor parameter-free, or when
     *     {@code x}, {@code label} or {@code step} do not fit
     */
    public static BackpropTrace of(Sequential model, float[] x, int label, double step) {
        if (!(step > 0)) {
            throw new IllegalArgumentException("step must be > 0, got " + step);
        }
        List<Module> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (!(m instanceof Linear) && !m.parameters().isEmpty()) {
                throw new IllegalArgumentException(
                        "layer " + i + " (" + m + ") must be a Linear or have no parameters");
            }
        }
        BackpropTrace trace = new BackpropTrace();
        trace.run(model, x, label, step);
        return trace;
    }

    /** The trace, one line per value or product, forward pass first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Every parameter element's gradient beside its central difference, layer by layer. */
    public List<ParameterGradient> parameterGradients() {
        return List.copyOf(gradients);
    }

    /** The largest {@code |backprop − finite difference|} over all parameter elements. */
    public double maxFiniteDifferenceError() {
        return gradients.stream().mapToDouble(ParameterGradient::error).max().orElse(0);
    }

    /**
     * The largest difference between a chain-rule product as the trace computes it from its factors
     * and the gradient the tape computed for the same element: 0 up to float rounding.
     */
    public double maxProductMismatch() {
        double worst = 0;
        for (int i = 0; i < products.size(); i++) {
            worst = Math.max(worst, Math.abs(products.get(i) - tapeValues.get(i)));
        }
        return worst;
    }

    /** The loss of the traced pass. */
    public float loss() {
        return loss;
    }

    private void run(Sequential model, float[] xs, int label, double step) {
        List<Module> layers = model.layers();
        Tensor x = Tensor.of(xs, 1, xs.length);
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        // Names: x, then z1 = Linear 1's output, h1 = the activation of z1, z2, ...
        List<Tensor> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        values.add(x);
        names.add("x");
        lines.add("forward pass");
        int linear = 0;
        Tensor current = x;
        for (Module layer : layers) {
            Tensor in = current;
            String inName = names.get(names.size() - 1);
            current = layer.forward(in);
            if (current.requiresGrad()) {
                current.retainGrad();
            }
            String name;
            if (layer instanceof Linear lin) {
                name = "z" + (++linear);
                forwardLinear(lin, linear, in, inName, current, name);
            } else {
                name = "h" + linear;
                for (int j = 0; j < current.size(); j++) {
                    line(
                            "  %s[%d] = %s(%s[%d]) = %s(%s) = %s",
                            name,
                            j,
                            function(layer),
                            inName,
                            j,
                            function(layer),
                            num(in.data()[j]),
                            num(current.data()[j]));
                }
            }
            values.add(current);
            names.add(name);
        }
        Tensor logits = current;
        String logitsName = names.get(names.size() - 1);
        if (logits.size() <= label || label < 0) {
            throw new IllegalArgumentException("label must be in [0, " + logits.size() + "), got " + label);
        }
        double[] p = softmax(logits.data());
        for (int i = 0; i < p.length; i++) {
            line("  p[%d] = softmax(%s)[%d] = %s", i, logitsName, i, num(p[i]));
        }
        Tensor l = Losses.crossEntropy(logits, new int[] {label});
        loss = l.item();
        line("  L = −log p[%d] = −log %s = %s", label, num(p[label]), num(loss));
        l.backward();

        lines.add("");
        lines.add("backward pass (the order the tape visits it; each line is one chain-rule product)");
        for (int i = 0; i < p.length; i++) {
            double product = p[i] - (i == label ? 1 : 0);
            check(product, logits.grad().data()[i]);
            line(
                    "  ∂L/∂%s[%d] = p[%d] − [%d = label] = %s − %d = %s",
                    logitsName, i, i, i, num(p[i]), i == label ? 1 : 0, num(product));
        }
        for (int k = layers.size() - 1; k >= 0; k--) {
            Tensor in = values.get(k);
            Tensor out = values.get(k + 1);
            if (layers.get(k) instanceof Linear lin) {
                backwardLinear(lin, in, names.get(k), out, names.get(k + 1));
            } else {
                backwardActivation(layers.get(k), in, names.get(k), out, names.get(k + 1));
            }
        }

        lines.add("");
        line("parameter gradients: backprop and central difference (L(w+h) − L(w−h)) / 2h," + " h = %s", step);
        linear = 0;
        for (Module layer : layers) {
            if (layer instanceof Linear lin) {
                linear++;
                compare(model, x, label, lin.weight(), "W" + linear, step);
                if (lin.bias() != null) {
                    compare(model, x, label, lin.bias(), "b" + linear, step);
                }
            }
        }
    }

    private void forwardLinear(Linear lin, int k, Tensor in, String inName, Tensor out, String name) {
        float[] w = lin.weight().data();
        for (int i = 0; i < lin.out(); i++) {
            StringBuilder terms = new StringBuilder();
            for (int j = 0; j < lin.in(); j++) {
                terms.append(j == 0 ? "" : " + ")
                        .append(factor(w[i * lin.in() + j]))
                        .append("·")
                        .append(factor(in.data()[j]));
            }
            String bias = lin.bias() == null ? "" : " + " + factor(lin.bias().data()[i]);
            line(
                    "  %s[%d] = Σ_j W%d[%d][j]·%s[j]%s = %s%s = %s",
                    name,
                    i,
                    k,
                    i,
                    inName,
                    lin.bias() == null ? "" : " + b" + k + "[" + i + "]",
                    terms,
                    bias,
                    num(out.data()[i]));
        }
    }

    private void backwardLinear(Linear lin, Tensor in, String inName, Tensor out, String outName) {
        String k = outName.substring(1);
        float[] g = out.grad().data();
        float[] w = lin.weight().data();
        float[] wg = lin.weight().grad().data();
        for (int i = 0; i < lin.out(); i++) {
            for (int j = 0; j < lin.in(); j++) {
                double product = (double) g[i] * in.data()[j];
                check(product, wg[i * lin.in() + j]);
                line(
                        "  ∂L/∂W%s[%d][%d] = ∂L/∂%s[%d] · %s[%d] = %s · %s = %s",
                        k, i, j, outName, i, inName, j, factor(g[i]), factor(in.data()[j]), num(product));
            }
            if (lin.bias() != null) {
                check(g[i], lin.bias().grad().data()[i]);
                line("  ∂L/∂b%s[%d] = ∂L/∂%s[%d] = %s", k, i, outName, i, num(g[i]));
            }
        }
        if (in.grad() == null) {
            return;
        }
        for (int j = 0; j < lin.in(); j++) {
            StringBuilder terms = new StringBuilder();
            double sum = 0;
            for (int i = 0; i < lin.out(); i++) {
                terms.append(i == 0 ? "" : " + ")
                        .append(factor(g[i]))
                        .append("·")
                        .append(factor(w[i * lin.in() + j]));
                sum += (double) g[i] * w[i * lin.in() + j];
            }
            check(sum, in.grad().data()[j]);
            line("  ∂L/∂%s[%d] = Σ_i ∂L/∂%s[i]·W%s[i][%d] = %s = %s", inName, j, outName, k, j, terms, num(sum));
        }
    }

    private void backwardActivation(Module layer, Tensor in, String inName, Tensor out, String outName) {
        if (in.grad() == null) {
            return;
        }
        // f'(z) from the layer's own backward: the gradient of Σ f(z) on a separate graph.
        Tensor z = in.copy().requiresGrad(true);
        layer.forward(z).sum().backward();
        float[] derivative = z.grad().data();
        float[] g = out.grad().data();
        for (int j = 0; j < in.size(); j++) {
            double product = (double) g[j] * derivative[j];
            check(product, in.grad().data()[j]);
            line(
                    "  ∂L/∂%s[%d] = ∂L/∂%s[%d] · %s'(%s[%d]) = %s · %s = %s",
                    inName,
                    j,
                    outName,
                    j,
                    function(layer),
                    inName,
                    j,
                    factor(g[j]),
                    factor(derivative[j]),
                    num(product));
        }
    }

    private void compare(Sequential model, Tensor x, int label, Tensor parameter, String name, double step) {
        float[] data = parameter.data();
        int cols = parameter.rank() == 2 ? parameter.dim(1) : 0;
        for (int e = 0; e < data.length; e++) {
            float original = data[e];
            float up = (float) (original + step);
            float down = (float) (original - step);
            double fd;
            try (var scope = Tape.noGrad()) {
                data[e] = up;
                double lUp =
                        Losses.crossEntropy(model.forward(x), new int[] {label}).item();
                data[e] = down;
                double lDown =
                        Losses.crossEntropy(model.forward(x), new int[] {label}).item();
                fd = (lUp - lDown) / ((double) up - down);
            } finally {
                data[e] = original;
            }
            String element = cols == 0 ? name + "[" + e + "]" : name + "[" + e / cols + "][" + e % cols + "]";
            ParameterGradient pg =
                    new ParameterGradient(element, parameter.grad().data()[e], fd);
            gradients.add(pg);
            line(
                    "  %-9s backprop %11s   central difference %11s   |difference| %.1e",
                    element, num(pg.backprop()), num(fd), pg.error());
        }
    }

    private void line(String format, Object... args) {
        lines.add(String.format(Locale.ROOT, format, args));
    }

    private void check(double product, float tape) {
        products.add(product);
        tapeValues.add((double) tape);
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The activation's name as written in the trace: "sigmoid" for Sigmoid(). */
    private static String function(Module layer) {
        return layer.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** A factor of a product: negative numbers in parentheses. */
    private static String factor(double v) {
        return v < 0 ? "(" + num(v) + ")" : num(v);
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}

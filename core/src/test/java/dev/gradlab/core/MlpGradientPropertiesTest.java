package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whole MLPs (each activation, with and without bias, one to three hidden layers) against GradCheck,
 * for every parameter and the input.
 *
 * <p>For ReLU and ReQU the kinks are avoided by construction: inputs are positive, and every hidden
 * unit's incoming weights (and bias) share one sign, with magnitudes of at least 0.25/fan-in > 2h
 * (and 0.1 for biases).
 * A unit's pre-activation is then a same-signed sum of non-negative activations, unit 0 of each
 * layer being positive and so always active: no perturbation the checker makes can move any
 * pre-activation across 0. Units are thus either always active or always dead, and both kinds occur.
 * The magnitudes (at most 0.75/fan-in, biases below 0.3) keep a ReQU network's values below 1 at
 * every depth instead of squaring their way up.
 */
class MlpGradientPropertiesTest {

    enum Activation {
        SIGMOID,
        TANH,
        RELU,
        REQU;

        Module layer() {
            return switch (this) {
                case SIGMOID -> new Sigmoid();
                case TANH -> new Tanh();
                case RELU -> new ReLU();
                case REQU -> new ReQU();
            };
        }

        boolean hasKink() {
            return this == RELU || this == REQU;
        }
    }

    @Property(tries = 40)
    void everyParameterAndTheInput(
            @ForAll Activation activation,
            @ForAll boolean bias,
            @ForAll @IntRange(min = 1, max = 3) int hiddenLayers,
            @ForAll @IntRange(min = 1, max = 5) int batch,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] widths = new int[hiddenLayers + 2];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = 1 + random.nextInt(6);
        }
        widths[widths.length - 1] = 2 + random.nextInt(4); // classes
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            Linear linear = new Linear(widths[l], widths[l + 1], bias, random.nextLong());
            boolean hidden = l + 2 < widths.length;
            if (hidden && activation.hasKink()) {
                signedRows(linear, random);
            } else {
                fill(linear.weight(), random, -1, 1);
                if (bias) {
                    fill(linear.bias(), random, -1, 1);
                }
            }
            layers.add(linear);
            if (hidden) {
                layers.add(activation.layer());
            }
        }
        Sequential model = new Sequential(layers.toArray(new Module[0]));
        Tensor x = Tensor.zeros(batch, widths[0]).requiresGrad(true);
        fill(x, random, activation.hasKink() ? 0.2 : -1, 1);
        int[] labels = random.ints(batch, 0, widths[widths.length - 1]).toArray();

        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("input", x);
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            named.put("parameter " + i, params.get(i));
        }
        Supplier<Tensor> loss = () -> Losses.crossEntropy(model.forward(x), labels);
        GradCheck.Result result = GradCheck.check(loss, named, GradCheck.Options.DEFAULTS.withSeed(seed));
        assertTrue(result.passed(), () -> model + ": " + result.describe());
    }

    /** Row j gets one sign (row 0 positive), weight magnitudes in [0.25, 0.75) / fan-in, bias in [0.1, 0.3). */
    private static void signedRows(Linear linear, SplittableRandom random) {
        float[] w = linear.weight().data();
        int in = linear.in();
        for (int j = 0; j < linear.out(); j++) {
            float sign = j == 0 || random.nextBoolean() ? 1f : -1f;
            for (int k = 0; k < in; k++) {
                w[j * in + k] = sign * (float) ((0.25 + 0.5 * random.nextDouble()) / in);
            }
            if (linear.bias() != null) {
                linear.bias().data()[j] = sign * (float) (0.1 + 0.2 * random.nextDouble());
            }
        }
    }

    private static void fill(Tensor t, SplittableRandom random, double lo, double hi) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Conv2d;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.ops.AvgPool2dFunction;
import dev.gradlab.core.ops.Conv2dFunction;
import dev.gradlab.core.ops.MaxPool2dFunction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convnet ops, initialisation and the reference convnet against PyTorch, from
 * {@code pytorch_convnet_reference.txt} written by {@code core/scripts/pytorch_convnet_reference.py}:
 * values and gradients against float64, initial weights bit for bit.
 *
 * <p>Tolerance: relative error at most {@code 1e-4}, relative to at least {@code 1e-2} of the
 * largest magnitude in the tensor, for elements that are sums cancelling to near zero (a float32 sum
 * of a few hundred terms is good to about 1e-6 of its terms' magnitude, not of its own).
 */
class ConvnetPyTorchReferenceTest {

    private record Block(String kind, int[] shape, String[] values) {}

    private static final Map<String, Block> REFERENCE = read();

    private static Map<String, Block> read() {
        var stream = ConvnetPyTorchReferenceTest.class.getResourceAsStream("pytorch_convnet_reference.txt");
        assertNotNull(stream, "pytorch_convnet_reference.txt is missing from the test resources");
        Map<String, Block> blocks = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.US_ASCII))) {
            String header;
            while ((header = reader.readLine()) != null) {
                if (header.startsWith("#") || header.isBlank()) {
                    continue;
                }
                String[] head = header.trim().split(" ");
                int[] shape = Arrays.stream(head, 2, head.length)
                        .mapToInt(Integer::parseInt)
                        .toArray();
                String[] values = reader.readLine().trim().split(" ");
                assertEquals(Arrays.stream(shape).reduce(1, (a, b) -> a * b), values.length, head[0] + ": values");
                blocks.put(head[0], new Block(head[1], shape, values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }

    private static Block block(String name) {
        Block b = REFERENCE.get(name);
        assertNotNull(b, name + " is missing from the reference file");
        return b;
    }

    private static double[] doubles(String name) {
        return Arrays.stream(block(name).values())
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** A float32 block (f32 text or bits) as a tensor of its shape. */
    private static Tensor tensor(String name) {
        Block b = block(name);
        float[] f = new float[b.values().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = b.kind().equals("bits")
                    ? Float.intBitsToFloat(Integer.parseUnsignedInt(b.values()[i], 16))
                    : Float.parseFloat(b.values()[i]);
        }
        return Tensor.wrap(f, b.shape());
    }

    private static void assertClose(String name, Tensor actual) {
        Block b = block(name);
        assertArrayEquals(b.shape(), actual.shape(), name + ": shape");
        double[] expected = doubles(name);
        float[] a = actual.data();
        double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
        assertTrue(scale > 0, name + " is all zeros: the reference would check nothing");
        for (int i = 0; i < expected.length; i++) {
            double allowed = 1e-4 * Math.max(Math.abs(expected[i]), 1e-2 * scale);
            int index = i;
            assertEquals(expected[i], a[i], allowed, () -> name + "[" + index + "]");
        }
    }

    private static void assertBits(String name, Tensor actual) {
        Tensor expected = tensor(name);
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        for (int i = 0; i < expected.size(); i++) {
            int want = Float.floatToRawIntBits(expected.data()[i]);
            int got = Float.floatToRawIntBits(actual.data()[i]);
            if (want != got) {
                throw new AssertionError(String.format(
                        "%s: value %d is %s (%08x), PyTorch's is %s (%08x)",
                        name, i, actual.data()[i], got, expected.data()[i], want));
            }
        }
    }

    /** Forward, then backward of {@code sum(y ⊙ g)}; checks y and the gradient of every input. */
    private static void checkOp(String prefix, Function<Tensor[], Tensor> op, String... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = tensor(prefix + "." + inputs[i]).requiresGrad(true);
        }
        Tensor y = op.apply(leaves);
        assertClose(prefix + ".y", y);
        y.mul(tensor(prefix + ".g")).sum().backward();
        for (int i = 0; i < inputs.length; i++) {
            assertClose(prefix + ".grad_" + inputs[i], leaves[i].grad());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "b", "c", "d"})
    void conv2dMatchesPyTorch(String name) {
        Block weight = block("conv." + name + ".weight");
        int[] x = block("conv." + name + ".x").shape();
        int[] y = block("conv." + name + ".y").shape();
        int k = weight.shape()[2];
        // Recover stride and padding from the shapes the script used: OH = (H + 2p − k)/s + 1.
        int[][] settings = {{1, 0}, {2, 1}, {3, 2}, {1, 2}};
        int[] sp = settings["abcd".indexOf(name)];
        assertEquals(y[2], (x[2] + 2 * sp[1] - k) / sp[0] + 1, "stride and padding of case " + name);
        boolean bias = REFERENCE.containsKey("conv." + name + ".bias");
        String[] inputs = bias ? new String[] {"x", "weight", "bias"} : new String[] {"x", "weight"};
        checkOp("conv." + name, in -> new Conv2dFunction(sp[0], sp[1]).apply(in), inputs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "b", "c"})
    void poolsMatchPyTorch(String name) {
        int[][] settings = {{2, 2}, {3, 2}, {2, 1}};
        int[] ks = settings["abc".indexOf(name)];
        checkOp("maxpool." + name, in -> new MaxPool2dFunction(ks[0], ks[1]).apply(in), "x");
        checkOp("avgpool." + name, in -> new AvgPool2dFunction(ks[0], ks[1]).apply(in), "x");
    }

    @Test
    void conv2dInitialisationIsPyTorchsBitForBit() {
        Conv2d a = new Conv2d(3, 4, 3, 2, 1, true, -5);
        assertBits("init.a.weight", a.weight());
        assertBits("init.a.bias", a.bias());
        Conv2d b = new Conv2d(2, 3, 2, 1, 0, false, (1L << 40) + 7);
        assertBits("init.b.weight", b.weight());
        assertEquals(List.of(b.weight()), b.parameters());
    }

    @Test
    void referenceConvnetStartsFromPyTorchsWeightsAndLoss() {
        Sequential model = Convnets.reference(42);
        List<Tensor> params = model.parameters();
        String[] names = {"1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias"};
        assertEquals(names.length, params.size());
        int count = 0;
        for (int i = 0; i < names.length; i++) {
            assertBits("cnn.init." + names[i], params.get(i));
            count += params.get(i).size();
        }
        assertEquals(Convnets.REFERENCE_PARAMETERS, count);

        double[] pixels = doubles("cnn.pixels");
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (pixels[i] / 255.0);
        }
        int[] labels =
                Arrays.stream(doubles("cnn.labels")).mapToInt(v -> (int) v).toArray();
        Tensor logits = model.forward(Tensor.wrap(x, labels.length, 784));
        Tensor loss = Losses.crossEntropy(logits, labels);
        loss.backward();
        assertClose("cnn.logits", logits);
        assertClose("cnn.loss", Tensor.wrap(new float[] {loss.item()}, 1));
        for (int i = 0; i < names.length; i++) {
            assertClose("cnn.grad." + names[i], params.get(i).grad());
        }
    }
}

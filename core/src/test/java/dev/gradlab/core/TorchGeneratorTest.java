package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Initial weights against PyTorch's, bit for bit, from {@code torch_init_reference.txt} written by
 * {@code core/scripts/torch_init_reference.py}: each line names a seed and a tensor and gives its
 * shape, its sum in double, an FNV-1a hash of all its float bits and the bits of its first values.
 */
class TorchGeneratorTest {

    /** One line of the fixture. */
    record Reference(long seed, String name, int[] shape, int count, double sum, long fnv, int[] head) {
        @Override
        public String toString() {
            return "seed " + seed + " " + name;
        }
    }

    static List<Reference> references() {
        var stream = TorchGeneratorTest.class.getResourceAsStream("torch_init_reference.txt");
        assertNotNull(stream, "torch_init_reference.txt is missing from the test resources");
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.US_ASCII))) {
            return reader.lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> {
                        String[] f = line.trim().split(" ");
                        int[] shape = Arrays.stream(f[2].split("x"))
                                .mapToInt(Integer::parseInt)
                                .toArray();
                        int[] head = Arrays.stream(f, 6, f.length)
                                .mapToInt(h -> Integer.parseUnsignedInt(h, 16))
                                .toArray();
                        return new Reference(
                                Long.parseLong(f[0]),
                                f[1],
                                shape,
                                Integer.parseInt(f[3]),
                                Double.parseDouble(f[4]),
                                Long.parseUnsignedLong(f[5], 16),
                                head);
                    })
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What gradlab makes for a fixture line, built the way the script builds it in PyTorch. */
    private static Tensor gradlabTensor(Reference r) {
        switch (r.name()) {
            case "mlp.0.weight":
            case "mlp.2.weight": {
                TorchGenerator generator = new TorchGenerator(r.seed());
                Linear hidden = new Linear(784, 512, false, generator);
                Linear output = new Linear(512, 10, false, generator);
                return r.name().equals("mlp.0.weight") ? hidden.weight() : output.weight();
            }
            case "linear.weight":
                return new Linear(5, 3, true, r.seed()).weight();
            case "linear.bias":
                return new Linear(5, 3, true, r.seed()).bias();
            case "uniform":
                return Tensor.uniform(r.seed(), -0.3f, 0.8f, 1000);
            default:
                throw new IllegalArgumentException("unknown fixture tensor " + r.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void initialValuesAreBitForBitPyTorchs(Reference r) {
        Tensor t = gradlabTensor(r);
        assertArrayEquals(r.shape(), t.shape(), r + ": shape");
        float[] data = t.data();
        assertEquals(r.count(), data.length, r + ": count");
        for (int i = 0; i < r.head().length; i++) {
            int bits = Float.floatToRawIntBits(data[i]);
            if (bits != r.head()[i]) {
                throw new AssertionError(String.format(
                        "%s: value %d is %s (%08x), PyTorch's is %s (%08x)",
                        r, i, data[i], bits, Float.intBitsToFloat(r.head()[i]), r.head()[i]));
            }
        }
        long fnv = 0xcbf29ce484222325L;
        double sum = 0;
        for (float v : data) {
            fnv = (fnv ^ Integer.toUnsignedLong(Float.floatToRawIntBits(v))) * 0x100000001b3L;
            sum += v;
        }
        assertEquals(r.fnv(), fnv, () -> r + ": hash of all values differs from PyTorch's");
        assertEquals(r.sum(), sum, 0.0, () -> r + ": sum");
    }

    @Test
    void fixtureCoversTheReferenceSeeds() {
        List<Long> seeds = references().stream().map(Reference::seed).distinct().collect(Collectors.toList());
        assertEquals(List.of(0L, 42L, (1L << 40) + 7, -5L), seeds);
    }

    @Test
    void engineIsStandardMt19937() {
        // The C++ standard fixes std::mt19937's 10000th output from the default seed 5489 (rand.predef).
        TorchGenerator generator = new TorchGenerator(5489);
        int draw = 0;
        for (int i = 0; i < 10000; i++) {
            draw = generator.nextInt();
        }
        assertEquals(4123659995L, Integer.toUnsignedLong(draw));
    }

    @Test
    void seedsUseTheirLow32BitsAsPyTorchDoes() {
        assertEquals(new TorchGenerator(7).nextInt(), new TorchGenerator((1L << 40) + 7).nextInt());
        assertEquals(new TorchGenerator(-1).nextInt(), new TorchGenerator(0xffffffffL).nextInt());
    }

    @Test
    void oneGeneratorIsConsumedInOrder() {
        TorchGenerator a = new TorchGenerator(3);
        float[] all = new float[10];
        a.fillUniform(all, 0, 10, -1, 1);
        TorchGenerator b = new TorchGenerator(3);
        float[] parts = new float[10];
        parts[0] = b.nextUniform(-1, 1);
        b.fillUniform(parts, 1, 9, -1, 1);
        assertArrayEquals(all, parts);
        assertArrayEquals(Tensor.uniform(3, -1, 1, 2, 5).data(), all);
    }

    @Test
    void badArgumentsAreNamed() {
        TorchGenerator generator = new TorchGenerator(0);
        var range = assertThrows(IllegalArgumentException.class, () -> generator.nextUniform(1, 0));
        assertTrue(
                range.getMessage().contains("from=1.0") && range.getMessage().contains("to=0.0"), range.getMessage());
        var bounds =
                assertThrows(IllegalArgumentException.class, () -> generator.fillUniform(new float[4], 2, 3, 0, 1));
        assertTrue(
                bounds.getMessage().contains("offset=2") && bounds.getMessage().contains("(4)"), bounds.getMessage());
        assertThrows(IllegalArgumentException.class, () -> generator.nextUniform(-Float.MAX_VALUE, Float.MAX_VALUE));
    }
}

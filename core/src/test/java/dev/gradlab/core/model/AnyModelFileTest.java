package dev.gradlab.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.AvgPool2d;
import dev.gradlab.core.nn.Conv2d;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Flatten;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.nn.Unflatten;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files of any Sequential of built-in modules, of a user's module, and of the earlier MLP format. */
class AnyModelFileTest {

    @TempDir
    Path dir;

    @Test
    void theReferenceConvnetRoundTripsWithItsSpec() throws IOException {
        Sequential net = Convnets.reference(5);
        Path file = dir.resolve(ModelFile.FILE_NAME);
        ModelFile.save(file, net, Map.of("method", "es"));
        SavedModel back = ModelFile.load(file);
        assertEquals(ModelSpec.of(net), back.spec());
        assertEquals(net.toString(), back.model().toString());
        assertEquals(
                List.copyOf(net.stateDict().keySet()),
                List.copyOf(back.model().stateDict().keySet()));
        assertArrayEquals(
                Parameters.flatten(net.parameters()),
                Parameters.flatten(back.model().parameters()));
        assertEquals(Map.of("method", "es"), back.info());
    }

    /** A spec builds the same weights as the network's own factory: Architecture's, and Convnets'. */
    @Test
    void aSpecRebuildsTheSameInitialWeightsForASeed() {
        assertArrayEquals(
                Parameters.flatten(Convnets.reference(9).parameters()),
                Parameters.flatten(ModelSpec.of(Convnets.reference(0)).build(9).parameters()));
        Architecture mlp = Architecture.of(12, new int[] {7, 5}, 3, Activation.TANH, true);
        assertArrayEquals(
                Parameters.flatten(mlp.build(4).parameters()),
                Parameters.flatten(mlp.spec().build(4).parameters()));
        assertEquals(
                Convnets.REFERENCE_PARAMETERS,
                ModelSpec.of(Convnets.reference(0)).parameterCount());
    }

    @Test
    void everyBuiltInModuleAndNestedNamesRoundTripThroughTheSpec() {
        TorchGenerator g = new TorchGenerator(3);
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put(
                "features",
                new Sequential(
                        new Unflatten(1, 2, 4, 4),
                        new Conv2d(2, 3, 3, 1, 1, false, g),
                        new Tanh(),
                        new AvgPool2d(2),
                        new Flatten(1, -1)));
        layers.put("drop", new Dropout(0.25f, 1));
        layers.put("head", new Linear(12, 2, true, g));
        Sequential net = new Sequential(layers);
        ModelSpec spec = ModelSpec.of(net);
        ModelSpec parsed = ModelSpec.parse(spec.json());
        assertEquals(spec, parsed);
        Sequential rebuilt = parsed.build(0);
        assertEquals(net.toString(), rebuilt.toString());
        assertEquals(
                List.copyOf(net.stateDict().keySet()),
                List.copyOf(rebuilt.stateDict().keySet()));
        assertEquals(
                List.of("features.1.weight", "head.weight", "head.bias"),
                List.copyOf(rebuilt.stateDict().keySet()));
    }

    @Test
    void aSpecThatIsWrongNamesTheLayerAndField() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelSpec.parse(
                        "{\"type\":\"Sequential\",\"layers\":[{\"name\":\"0\",\"type\":\"Conv2d\",\"in_channels\":1}]}"));
        assertTrue(e.getMessage().startsWith("spec layer 0 must have a field out_channels"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelSpec.parse("{\"type\":\"Sequential\",\"layers\":[{\"name\":\"0\",\"type\":\"Gelu\"}]}"));
        assertTrue(e.getMessage().contains("type must be one of Sequential, Linear"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelSpec.parse("{\"type\":\"Sequential\",\"layers\":[{\"name\":\"a.b\",\"type\":\"ReLU\"}]}"));
        assertTrue(e.getMessage().startsWith("spec layer 0 name must be non-empty and without '.'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("{\"type\":\"Linear\"}"));
        assertTrue(e.getMessage().startsWith("spec must describe a Sequential"), e.getMessage());
    }

    /** A user's module: no spec, its tensors saved by name and loaded into a model the user builds. */
    @Test
    void aUsersModuleSavesAndLoadsItsTensorsByName() throws IOException {
        Path file = dir.resolve(ModelFile.FILE_NAME);
        Scaled mine = new Scaled(new TorchGenerator(1));
        ModelFile.save(file, new Sequential(mine, new ReLU()), Map.of());
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("no spec entry"), e.getMessage());

        Sequential other = new Sequential(new Scaled(new TorchGenerator(2)), new ReLU());
        ModelFile.loadInto(file, other);
        assertArrayEquals(mine.scale.data(), other.stateDict().get("0.scale").data());

        Sequential wrong = new Sequential(new Linear(3, 3, true, 1), new ReLU());
        e = assertThrows(ModelFormatException.class, () -> ModelFile.loadInto(file, wrong));
        assertTrue(
                e.getMessage().contains("missing [0.bias, 0.weight], unexpected [0.scale, 0.shift]"), e.getMessage());
    }

    /** A file of the format written before specs ({@code format=gradlab-mlp}), committed as written then. */
    @Test
    void aFileOfTheMlpFormatStillLoads() throws IOException {
        Path file = dir.resolve(ModelFile.FILE_NAME);
        try (InputStream in = getClass().getResourceAsStream("mlp-format-1.safetensors")) {
            Files.copy(in, file);
        }
        SavedModel back = ModelFile.load(file);
        Architecture written = Architecture.of(4, new int[] {3}, 2, Activation.RELU, true);
        assertEquals(written.spec(), back.spec());
        assertEquals(Map.of("method", "backprop"), back.info());
        assertArrayEquals(
                Parameters.flatten(written.build(7).parameters()),
                Parameters.flatten(back.model().parameters()));
    }

    /** A module of a user's own, with two tensors named as it likes. */
    private static final class Scaled implements Module {
        final Tensor scale;
        final Tensor shift;

        Scaled(TorchGenerator g) {
            scale = Tensor.uniform(g, -1, 1, 3).requiresGrad(true);
            shift = Tensor.uniform(g, -1, 1, 3).requiresGrad(true);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(scale).add(shift);
        }

        @Override
        public List<Tensor> parameters() {
            return List.of(scale, shift);
        }

        @Override
        public Map<String, Tensor> stateDict() {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("scale", scale);
            state.put("shift", shift);
            return state;
        }
    }
}

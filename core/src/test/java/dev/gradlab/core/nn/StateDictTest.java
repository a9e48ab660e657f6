package dev.gradlab.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictTest {

    @Test
    void namesAreTorchsForTheReferenceConvnet() {
        Sequential net = Convnets.reference(0);
        Map<String, Tensor> state = net.stateDict();
        assertEquals(
                List.of("1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias"), List.copyOf(state.keySet()));
        assertSame(net.parameters().get(2), state.get("4.weight"));
        assertEquals(
                List.of("weight"),
                List.copyOf(new Linear(3, 2, false, 1).stateDict().keySet()));
    }

    @Test
    void nestedAndNamedSequentialsPrefixTheirNames() {
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("features", new Sequential(new Linear(4, 3, true, 1), new ReLU()));
        layers.put("head", new Linear(3, 2, true, 2));
        Sequential net = new Sequential(layers);
        assertEquals(
                List.of("features.0.weight", "features.0.bias", "head.weight", "head.bias"),
                List.copyOf(net.stateDict().keySet()));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sequential(Map.of("a.b", new ReLU())));
        assertTrue(e.getMessage().contains("'a.b'"), e.getMessage());
    }

    @Test
    void loadingCopiesEveryTensorAndAdvancesVersions() {
        Sequential from = Convnets.reference(1);
        Sequential to = Convnets.reference(2);
        Tensor weight = to.parameters().get(0);
        long before = weight.version();
        to.loadStateDict(from.stateDict());
        for (int i = 0; i < from.parameters().size(); i++) {
            assertArrayEquals(
                    from.parameters().get(i).data(), to.parameters().get(i).data());
        }
        assertNotEquals(before, weight.version());
    }

    @Test
    void strictLoadingNamesMissingAndUnexpectedKeysAndShapes() {
        Sequential net = new Sequential(new Linear(4, 3, true, 1), new ReLU(), new Linear(3, 2, true, 2));
        float[] original = net.parameters().get(0).data().clone();
        Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
        state.remove("2.bias");
        state.put("3.bias", Tensor.zeros(2));
        var e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing keys [2.bias], unexpected keys [3.bias]"), e.getMessage());

        Map<String, Tensor> wrong = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> wrong.put(k, Tensor.zeros(v.shape())));
        wrong.put("2.weight", Tensor.zeros(3, 2));
        e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(wrong));
        assertEquals("state dict key 2.weight must have shape [2, 3], got [3, 2]", e.getMessage());
        assertArrayEquals(original, net.parameters().get(0).data(), "nothing is loaded from a refused state dict");
    }
}

package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replays the trajectories written by {@code optim/scripts/torch_trajectories.py} with
 * torch.optim.SGD, Adam and AdamW, some with two parameter groups: the same gradients in, the same
 * parameters out, to the bit.
 */
class TorchTrajectoryTest {

    @Test
    void everyCaseFollowsPyTorchStepForStep() {
        List<Case> cases = read();
        assertEquals(10, cases.size(), "cases in the fixture");
        for (Case c : cases) {
            replay(c);
        }
    }

    private static void replay(Case c) {
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < c.shapes.size(); i++) {
            params.add(Tensor.of(c.init.get(i), c.shapes.get(i)).requiresGrad(true));
        }
        Optimizer<?> optimizer = c.optimizer(params);
        for (int step = 1; step <= c.steps(); step++) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setGrad(Tensor.of(c.grads.get(step + " " + i), c.shapes.get(i)));
            }
            optimizer.step();
            for (int i = 0; i < params.size(); i++) {
                float[] expected = c.params.get(step + " " + i);
                float[] actual = params.get(i).data();
                for (int j = 0; j < expected.length; j++) {
                    int s = step;
                    int p = i;
                    int e = j;
                    assertTrue(
                            Float.compare(expected[j], actual[j]) == 0,
                            () -> c.name + " step " + s
                                    + " parameter " + p + " element " + e + ": expected " + expected[e]
                                    + ", got " + actual[e]);
                }
            }
        }
    }

    private static final class Case {
        final String name;
        final Map<String, String> options = new HashMap<>();
        Map<String, String> group;
        String kind;
        final List<int[]> shapes = new ArrayList<>();
        final List<float[]> init = new ArrayList<>();
        final Map<String, float[]> grads = new HashMap<>();
        final Map<String, float[]> params = new HashMap<>();

        Case(String name) {
            this.name = name;
        }

        int steps() {
            return grads.size() / shapes.size();
        }

        /** One group per parameter list: all parameters, or parameter 0 and then 1 with the group line's options. */
        Optimizer<?> optimizer(List<Tensor> ps) {
            if (group == null) {
                return optimizer(List.of(ps), List.of(options));
            }
            return optimizer(List.of(ps.subList(0, 1), ps.subList(1, 2)), List.of(options, group));
        }

        private Optimizer<?> optimizer(List<List<Tensor>> params, List<Map<String, String>> opts) {
            if (kind.equals("sgd")) {
                List<Sgd.Group> groups = new ArrayList<>();
                for (int i = 0; i < params.size(); i++) {
                    Map<String, String> o = opts.get(i);
                    groups.add(new Sgd.Group(
                            params.get(i),
                            option(o, "lr"),
                            option(o, "momentum"),
                            option(o, "dampening"),
                            option(o, "weight_decay"),
                            option(o, "nesterov") != 0));
                }
                return new Sgd(groups);
            }
            List<Adam.Group> groups = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Map<String, String> o = opts.get(i);
                groups.add(new Adam.Group(
                        params.get(i),
                        option(o, "lr"),
                        option(o, "beta1"),
                        option(o, "beta2"),
                        option(o, "eps"),
                        option(o, "weight_decay")));
            }
            return kind.equals("adamw") ? new AdamW(groups) : new Adam(groups);
        }

        private static double option(Map<String, String> o, String key) {
            return Double.parseDouble(o.get(key));
        }
    }

    private static List<Case> read() {
        List<Case> cases = new ArrayList<>();
        var in = TorchTrajectoryTest.class.getResourceAsStream("torch_trajectories.txt");
        if (in == null) {
            throw new IllegalStateException("missing test resource torch_trajectories.txt");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Case current = null;
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "case" -> cases.add(current = new Case(f[1]));
                    case "optimizer" -> {
                        current.kind = f[1];
                        keyValues(f, current.options);
                    }
                    case "group" -> keyValues(f, current.group = new HashMap<>());
                    case "shape" -> {
                        int[] shape = new int[f.length - 2];
                        for (int i = 0; i < shape.length; i++) {
                            shape[i] = Integer.parseInt(f[i + 2]);
                        }
                        current.shapes.add(shape);
                    }
                    case "init" -> current.init.add(floats(f, 2));
                    case "grad" -> current.grads.put(f[1] + " " + f[2], floats(f, 3));
                    case "param" -> current.params.put(f[1] + " " + f[2], floats(f, 3));
                    default -> {
                        // comments and "end"
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static void keyValues(String[] f, Map<String, String> into) {
        for (int i = 2; i < f.length; i++) {
            String[] kv = f[i].split("=");
            into.put(kv[0], kv[1]);
        }
    }

    private static float[] floats(String[] f, int from) {
        float[] v = new float[f.length - from];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(f[from + i]);
        }
        return v;
    }
}

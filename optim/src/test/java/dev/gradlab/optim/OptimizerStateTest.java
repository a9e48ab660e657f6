package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OptimizerStateTest {

    private static final List<Function<List<Tensor>, Optimizer<?>>> KINDS = List.of(
            ps -> new Sgd(ps, 0.05f, 0.9f, 0f, 0.01f, true),
            ps -> new Sgd(ps, 0.05f, 0.8f, 0.3f, 0f, false),
            ps -> new Adam(ps, 0.01f, 0.8f, 0.99f, 1e-6f, 0.05f),
            ps -> new AdamW(ps, 0.01f));

    private static List<Tensor> params() {
        return List.of(
                Tensor.normal(1, 0f, 1f, 3, 4).requiresGrad(true),
                Tensor.normal(2, 0f, 1f, 5).requiresGrad(true));
    }

    /** Gradient of step t: fixed noise plus the parameters, so the trajectory depends on the state. */
    private static void setGrads(List<Tensor> ps, int t) {
        for (int i = 0; i < ps.size(); i++) {
            Tensor p = ps.get(i);
            float[] g = Tensor.normal(100L * t + i, 0f, 1f, p.shape()).data();
            for (int j = 0; j < g.length; j++) {
                g[j] += p.data()[j];
            }
            p.setGrad(Tensor.of(g, p.shape()));
        }
    }

    private static void steps(Optimizer<?> o, List<Tensor> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            setGrads(ps, t);
            o.step();
        }
    }

    @Test
    void aLoadedStateContinuesBitForBitLikeAnUninterruptedRun() {
        for (var kind : KINDS) {
            List<Tensor> straight = params();
            Optimizer<?> a = kind.apply(straight);
            steps(a, straight, 0, 6);

            List<Tensor> first = params();
            Optimizer<?> b = kind.apply(first);
            steps(b, first, 0, 3);
            StateDict saved = b.stateDict();
            List<Tensor> second = params();
            Parameters.unflatten(Parameters.flatten(first), second);
            Optimizer<?> c = kind.apply(second);
            c.loadStateDict(saved);
            steps(c, second, 3, 6);

            assertArrayEquals(Parameters.flatten(straight), Parameters.flatten(second), a.toString());
            assertEquals(6, c.state(second.get(0)).step(), a.toString());
        }
    }

    @Test
    void theStateDictIsACopyAndNamesBuffersAsPyTorch() {
        List<Tensor> ps = params();
        Adam adam = new Adam(ps, 0.01f);
        assertTrue(adam.stateDict().state().isEmpty(), "no state before the first step");
        steps(adam, ps, 0, 2);
        StateDict d = adam.stateDict();
        assertEquals(List.of(0, 1), d.paramGroups().get(0).params());
        assertEquals(0.01, d.paramGroups().get(0).settings().get("lr"));
        assertEquals(2, d.state().get(1).step());
        float[] m = d.state().get(0).buffers().get("exp_avg");
        m[0] += 1;
        assertFalse(m[0] == adam.state(ps.get(0)).buffer(0)[0], "the exported buffer must be a copy");
        assertEquals(
                java.util.Set.of("exp_avg", "exp_avg_sq"),
                d.state().get(0).buffers().keySet());
    }

    @Test
    void changingAGroupsLearningRateChangesTheNextStep() {
        List<Tensor> ps = List.of(Tensor.of(new float[] {1f}, 1).requiresGrad(true));
        Sgd sgd = new Sgd(ps, 0.1f, 0f);
        ps.get(0).setGrad(Tensor.of(new float[] {1f}, 1));
        sgd.step();
        assertEquals(0.9f, ps.get(0).data()[0]);
        sgd.paramGroups().get(0).setLr(0.5);
        sgd.step();
        assertEquals(0.9f - 0.5f, ps.get(0).data()[0]);
    }

    /** The example of docs/optim.md. */
    @Test
    void theDocumentedExampleRuns() {
        List<Tensor> ps = params();
        List<Tensor> weights = ps.subList(0, 1);
        List<Tensor> biases = ps.subList(1, 2);
        var sgd = new Sgd(List.of(new Sgd.Group(weights, 0.1, 0.9, 0, 0, false)));
        sgd.addParamGroup(new Sgd.Group(biases, 0.01, 0.9, 0, 0, false)); // its own lr
        sgd.paramGroups().get(0).setLr(0.05); // from the next step on
        steps(sgd, ps, 0, 2);
        StateDict saved = sgd.stateDict();
        var other = new Sgd(
                List.of(new Sgd.Group(weights, 0.1, 0.9, 0, 0, false), new Sgd.Group(biases, 0.01, 0.9, 0, 0, false)));
        other.loadStateDict(saved);
        assertEquals(0.05, other.paramGroups().get(0).lr());
        assertArrayEquals(
                sgd.state(biases.get(0)).buffer(0), other.state(biases.get(0)).buffer(0));
    }

    @Test
    void groupsHoldDisjointParametersWithTheirOwnSettings() {
        List<Tensor> ps = params();
        Sgd sgd = new Sgd(List.of(new Sgd.Group(ps.subList(0, 1), 0.1, 0.9, 0, 0, false)));
        sgd.addParamGroup(new Sgd.Group(ps.subList(1, 2), 0.01, 0, 0, 0, false));
        assertEquals(ps, sgd.parameters());
        assertEquals(0.01, sgd.paramGroups().get(1).lr());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> sgd.addParamGroup(new Sgd.Group(ps.subList(1, 2), 0.1, 0, 0, 0, false)));
        assertTrue(e.getMessage().contains("already in an earlier group"), e.getMessage());
    }

    @Test
    void loadingAMismatchedStateNamesWhatDiffers() {
        List<Tensor> ps = params();
        Adam adam = new Adam(ps, 0.01f);
        steps(adam, ps, 0, 1);
        StateDict d = adam.stateDict();
        Adam small = new Adam(
                List.of(Tensor.zeros(3, 4).requiresGrad(true), Tensor.zeros(4).requiresGrad(true)), 0.01f);
        var e = assertThrows(IllegalArgumentException.class, () -> small.loadStateDict(d));
        assertTrue(e.getMessage().matches("state 1 buffer exp_avg(_sq)? must have 4 values, got 5"), e.getMessage());
        Sgd sgd = new Sgd(params(), 0.1f, 0.9f);
        e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(d));
        assertTrue(e.getMessage().startsWith("group settings must have the keys"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> sgd.paramGroups().get(0).setLr(-1));
        assertEquals("lr must be finite and >= 0.0, got -1.0", e.getMessage());
    }
}

package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkspaceTest {

    private final Sequential model =
            new Sequential(new Linear(20, 16, false, 1), new Sigmoid(), new Linear(16, 4, false, 2));
    private final Tensor x = Tensor.uniform(3, 0, 1, 8, 20);
    private final int[] labels = {0, 1, 2, 3, 3, 2, 1, 0};

    @AfterEach
    void trim() {
        Workspace.trim();
    }

    private float step() {
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        try (var ws = Workspace.open()) {
            Tensor loss = Losses.crossEntropy(model.forward(x), labels);
            loss.backward();
            return loss.item();
        }
    }

    @Test
    void stepsInAWorkspaceGiveTheSameLossAndGradientsAsWithout() {
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        Tensor loss = Losses.crossEntropy(model.forward(x), labels);
        loss.backward();
        float[] expected =
                Parameters.flatten(model.parameters().stream().map(Tensor::grad).toList());

        assertEquals(loss.item(), step());
        assertEquals(loss.item(), step());
        float[] actual =
                Parameters.flatten(model.parameters().stream().map(Tensor::grad).toList());
        assertArrayEquals(expected, actual);
    }

    @Test
    void repeatedStepsReuseTheSameArrays() {
        step();
        long pooled = Workspace.pooledFloats();
        List<Tensor> grads = model.parameters().stream().map(Tensor::grad).toList();
        for (int i = 0; i < 5; i++) {
            step();
        }
        assertTrue(pooled > 0);
        assertEquals(pooled, Workspace.pooledFloats(), "the pool grew: a step took new arrays");
        for (int i = 0; i < grads.size(); i++) {
            assertSame(grads.get(i), model.parameters().get(i).grad(), "parameter " + i + "'s gradient storage");
        }
    }

    @Test
    void tensorsMadeInAScopeAreReleasedWhenItCloses() {
        Tensor out;
        try (var ws = Workspace.open()) {
            assertTrue(Workspace.isOpen());
            out = model.forward(x);
            assertEquals(32, out.data().length);
        }
        assertFalse(Workspace.isOpen());
        var e = assertThrows(IllegalStateException.class, out::data);
        assertTrue(e.getMessage().contains("[8, 4]"), e.getMessage());
        // Tensors from the factories are never lent.
        Tensor made;
        try (var ws = Workspace.open()) {
            made = Tensor.zeros(3);
        }
        assertEquals(3, made.data().length);
    }

    @Test
    void scopesCloseInnermostFirst() {
        try (var outer = Workspace.open()) {
            var inner = Workspace.open();
            var e = assertThrows(IllegalStateException.class, outer::close);
            assertTrue(e.getMessage().contains("innermost"), e.getMessage());
            inner.close();
        }
        assertFalse(Workspace.isOpen());
    }
}

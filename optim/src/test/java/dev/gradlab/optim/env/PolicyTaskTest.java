package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PolicyTaskTest {

    @Test
    void theSwingUpIsSearchedFromZerosAndCartPoleFromPyTorchsInitialisation() {
        PolicyTask swingUp = PolicyTask.named("swingup");
        float[] x0 = swingUp.strategy("pgpe", 7).center();
        assertEquals(1281, x0.length);
        for (float v : x0) {
            assertEquals(0f, v);
        }
        PolicyTask cartPole = PolicyTask.named("cartpole");
        assertArrayEquals(
                cartPole.rollouts().policy().initialParameters(7),
                cartPole.strategy("pgpe", 7).center());
    }
}

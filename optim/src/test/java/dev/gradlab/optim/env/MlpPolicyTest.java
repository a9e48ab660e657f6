package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MlpPolicyTest {

    /** Row {@code r}'s outputs by the layout the class comment gives, in double, one row at a time. */
    private static double[] reference(float[] p, int[] sizes, float[] obs, int r) {
        double[] in = new double[sizes[0]];
        for (int i = 0; i < in.length; i++) {
            in[i] = obs[r * sizes[0] + i];
        }
        int at = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int n = sizes[l];
            int m = sizes[l + 1];
            double[] out = new double[m];
            for (int j = 0; j < m; j++) {
                double s = p[at + m * n + j];
                for (int i = 0; i < n; i++) {
                    s += p[at + j * n + i] * in[i];
                }
                out[j] = l + 2 < sizes.length ? Math.tanh(s) : s;
            }
            at += m * n + m;
            in = out;
        }
        return in;
    }

    @Test
    void batchedActionsAreTheTanhOfEachRowsOutputs() {
        int[] sizes = {5, 32, 32, 1};
        MlpPolicy policy = new MlpPolicy(false, sizes);
        float[] p = policy.initialParameters(3);
        int rows = 7;
        float[] obs = new float[rows * 5];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) random.nextGaussian();
        }
        float[] actions = new float[rows];
        policy.act(p, obs, rows, actions, policy.scratch(rows));
        for (int r = 0; r < rows; r++) {
            assertEquals(Math.tanh(reference(p, sizes, obs, r)[0]), actions[r], 1e-5, "row " + r);
        }
        assertEquals(5 * 32 + 32 + 32 * 32 + 32 + 32 + 1, policy.parameterCount());
    }

    @Test
    void discreteActionsAreTheArgmaxOfEachRowsOutputs() {
        int[] sizes = {4, 64, 2};
        MlpPolicy policy = new MlpPolicy(true, sizes);
        float[] p = policy.initialParameters(5);
        int rows = 40;
        float[] obs = new float[rows * 4];
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) (3 * random.nextGaussian());
        }
        float[] actions = new float[rows];
        policy.act(p, obs, rows, actions, policy.scratch(rows));
        float[] expected = new float[rows];
        boolean both = false;
        for (int r = 0; r < rows; r++) {
            double[] out = reference(p, sizes, obs, r);
            expected[r] = out[1] > out[0] ? 1 : 0;
            both |= expected[r] != expected[0];
        }
        assertTrue(both, "the rows pick both actions");
        assertArrayEquals(expected, actions);
    }
}

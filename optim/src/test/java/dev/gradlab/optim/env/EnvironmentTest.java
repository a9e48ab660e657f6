package dev.gradlab.optim.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environments against states computed from the published equations by optim/scripts/cartpole_reference.py. */
class EnvironmentTest {

    record Row(String task, int step, double action, double[] state, double reward, boolean done) {}

    private static Map<Integer, List<Row>> reference() throws IOException {
        Map<Integer, List<Row>> cases = new LinkedHashMap<>();
        try (var in = new BufferedReader(new InputStreamReader(
                EnvironmentTest.class.getResourceAsStream("cartpole_reference.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                double[] s = {
                    Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]),
                    Double.parseDouble(f[7])
                };
                cases.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>())
                        .add(new Row(
                                f[0],
                                Integer.parseInt(f[2]),
                                Double.parseDouble(f[3]),
                                s,
                                Double.parseDouble(f[8]),
                                Boolean.parseBoolean(f[9])));
            }
        }
        return cases;
    }

    @Test
    void stepsFollowThePublishedEquations() throws IOException {
        Map<Integer, List<Row>> cases = reference();
        assertEquals(5, cases.size());
        for (List<Row> rows : cases.values()) {
            boolean cartPole = rows.get(0).task().equals("cartpole");
            // Two environments, the case in the second, to check the row offsets too.
            PhysicsEnvironment env = cartPole ? new CartPole(2) : new CartPoleSwingUp(2);
            env.setState(0, 0, 0, cartPole ? 0 : Math.PI, 0);
            env.setState(1, rows.get(0).state());
            float[] obs = new float[2 * env.observationSize()];
            float[] rewards = new float[2];
            boolean[] done = new boolean[2];
            for (Row row : rows.subList(1, rows.size())) {
                env.step(new float[] {0, (float) row.action()}, obs, rewards, done);
                String where = row.task() + " step " + row.step();
                assertArrayEquals(row.state(), env.state(1), 1e-12, where);
                assertEquals(row.reward(), rewards[1], 1e-6, where);
                assertEquals(row.done(), done[1], where);
                double[] s = env.state(1);
                if (cartPole) {
                    for (int i = 0; i < 4; i++) {
                        assertEquals((float) s[i], obs[4 + i], where);
                    }
                } else {
                    assertEquals((float) Math.cos(s[2]), obs[5 + 2], where);
                    assertEquals((float) Math.sin(s[2]), obs[5 + 3], where);
                    assertEquals((float) s[3], obs[5 + 4], where);
                }
            }
        }
    }

    @Test
    void aDoneEnvironmentIsNotSteppedAndEarnsNothing() {
        CartPole env = new CartPole(2);
        float[] obs = new float[8];
        env.reset(3, obs);
        env.setState(1, 2.39, 5, 0, 0); // leaves the track on the first step
        float[] rewards = new float[2];
        boolean[] done = new boolean[2];
        env.step(new float[] {1, 1}, obs, rewards, done);
        assertTrue(done[1]);
        assertFalse(done[0]);
        assertEquals(1f, rewards[1]);
        double[] frozen = env.state(1);
        float[] frozenObs = java.util.Arrays.copyOfRange(obs, 4, 8);
        env.step(new float[] {0, 1}, obs, rewards, done);
        assertEquals(0f, rewards[1]);
        assertTrue(done[1]);
        assertArrayEquals(frozen, env.state(1));
        assertArrayEquals(frozenObs, java.util.Arrays.copyOfRange(obs, 4, 8));
    }

    @Test
    void episodesAreTruncatedAfterMaxSteps() {
        CartPole env = new CartPole(1);
        float[] obs = new float[4];
        env.reset(0, obs);
        float[] rewards = new float[1];
        boolean[] done = new boolean[1];
        int steps = 0;
        double total = 0;
        while (!done[0]) {
            // A hand-tuned balancing rule: push toward where the pole is falling, corrected for the cart.
            float a = obs[2] + 0.5f * obs[3] + 0.01f * obs[0] + 0.1f * obs[1] > 0 ? 1 : 0;
            env.step(new float[] {a}, obs, rewards, done);
            total += rewards[0];
            steps++;
        }
        assertEquals(500, steps);
        assertEquals(500.0, total);
        assertTrue(env.allDone());
    }

    @Test
    void resetDrawsEachEnvironmentFromTheSeedAndItsIndexAlone() {
        CartPole four = new CartPole(4);
        CartPole two = new CartPole(2);
        float[] a = new float[16];
        float[] b = new float[8];
        four.reset(9, a);
        two.reset(9, b);
        assertArrayEquals(b, java.util.Arrays.copyOf(a, 8));
        for (float v : a) {
            assertTrue(Math.abs(v) <= 0.05f);
        }
        four.reset(10, a);
        assertFalse(java.util.Arrays.equals(b, java.util.Arrays.copyOf(a, 8)));
        CartPoleSwingUp swing = new CartPoleSwingUp(200);
        float[] o = new float[1000];
        swing.reset(1, o);
        double cosSum = 0;
        for (int p = 0; p < 200; p++) {
            cosSum += o[5 * p + 2];
        }
        assertTrue(cosSum / 200 < -0.9, "the pole starts hanging down, mean cos θ " + cosSum / 200);
    }

    /** Many environments, stepped in slices on the pool: the same states as one at a time. */
    @Test
    void manyEnvironmentsStepTheSameOnOneAndTwoThreads() {
        int n = 1500;
        float[][] obs = new float[2][n * 4];
        float[][] rewards = new float[2][n];
        boolean[][] done = new boolean[2][n];
        double[] total = new double[2];
        for (int t = 1; t <= 2; t++) {
            try (var threads = dev.gradlab.simd.Parallel.withThreads(t)) {
                CartPole env = new CartPole(n);
                env.reset(3, obs[t - 1]);
                float[] actions = new float[n];
                for (int step = 0; step < 60; step++) {
                    for (int p = 0; p < n; p++) {
                        // Push against the pole's lean, or at random for every third environment.
                        actions[p] = p % 3 == 0 ? (p + step) % 2 : obs[t - 1][4 * p + 2] > 0 ? 1 : 0;
                    }
                    env.step(actions, obs[t - 1], rewards[t - 1], done[t - 1]);
                    for (float r : rewards[t - 1]) {
                        total[t - 1] += r;
                    }
                }
            }
        }
        assertArrayEquals(obs[0], obs[1]);
        assertArrayEquals(done[0], done[1]);
        assertEquals(total[0], total[1]);
        assertTrue(total[0] > 0 && total[0] < 60.0 * n, "some episodes end within 60 steps: " + total[0]);
    }

    /** Stepping ranges of environments steps those alone, as the step of all of them does. */
    @Test
    void aRangeStepsThoseEnvironmentsAsTheWholeStepDoes() {
        int n = 40;
        CartPole whole = new CartPole(n);
        CartPole ranges = new CartPole(n);
        float[] obsWhole = new float[n * 4];
        float[] obsRanges = new float[n * 4];
        whole.reset(5, obsWhole);
        ranges.reset(5, obsRanges);
        float[] actions = new float[n];
        float[] rewardsWhole = new float[n];
        float[] rewardsRanges = new float[n];
        boolean[] doneWhole = new boolean[n];
        boolean[] doneRanges = new boolean[n];
        for (int step = 0; step < 30; step++) {
            for (int p = 0; p < n; p++) {
                actions[p] = obsWhole[4 * p + 2] > 0 ? 1 : p % 2;
            }
            whole.step(actions, obsWhole, rewardsWhole, doneWhole);
            ranges.step(0, 13, actions, obsRanges, rewardsRanges, doneRanges);
            ranges.step(13, 40, actions, obsRanges, rewardsRanges, doneRanges);
            assertArrayEquals(obsWhole, obsRanges, "step " + step);
            assertArrayEquals(rewardsWhole, rewardsRanges, "step " + step);
            assertArrayEquals(doneWhole, doneRanges, "step " + step);
        }
        // Environments outside the range are neither stepped nor written.
        ranges.reset(6, obsRanges);
        float[] fresh = obsRanges.clone();
        ranges.step(0, 1, actions, obsRanges, rewardsRanges, doneRanges);
        assertArrayEquals(Arrays.copyOfRange(fresh, 4, 4 * n), Arrays.copyOfRange(obsRanges, 4, 4 * n));
        var e = assertThrows(
                IllegalArgumentException.class, () -> ranges.step(5, 41, actions, obsWhole, rewardsWhole, doneWhole));
        assertTrue(e.getMessage().contains("0 <= from <= to <= 40, got 5 and 41"), e.getMessage());
    }

    @Test
    void cartPoleRefusesAnActionThatIsNotZeroOrOne() {
        CartPole env = new CartPole(1);
        float[] obs = new float[4];
        env.reset(0, obs);
        var e = assertThrows(
                IllegalArgumentException.class, () -> env.step(new float[] {0.5f}, obs, new float[1], new boolean[1]));
        assertTrue(e.getMessage().contains("must be 0 or 1, got 0.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(new float[2], obs, new float[1], new boolean[1]));
    }
}

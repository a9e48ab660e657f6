package dev.gradlab.optim.env;

import java.util.SplittableRandom;

/**
 * Gymnasium's CartPole-v1: a pole hinged on a cart, balanced by pushing the cart left or right.
 * State {@code (x, ẋ, θ, θ̇)}, observed as it is; action 0 pushes with −10 N, 1 with +10 N (an action
 * is one float, 0 or 1). With g 9.8, cart mass 1.0, pole mass 0.1, half-length l 0.5, m = 1.1:
 * {@code t = (F + 0.1·l·θ̇²·sin θ)/m}, {@code θ̈ = (g sin θ − cos θ·t) / (l(4/3 − 0.1 cos²θ/m))},
 * {@code ẍ = t − 0.1·l·θ̈ cos θ/m}, then explicit Euler with τ 0.02 (x and θ from the old velocities).
 * Reward 1 for every step, the failing one included; the episode fails when |θ| > 12° or |x| > 2.4
 * and is truncated after 500 steps. Initial state uniform in [−0.05, 0.05]⁴. Computed in double.
 */
public final class CartPole extends PhysicsEnvironment {

    static final double GRAVITY = 9.8;
    static final double CART_MASS = 1.0;
    static final double POLE_MASS = 0.1;
    static final double TOTAL_MASS = CART_MASS + POLE_MASS;
    static final double HALF_LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = POLE_MASS * HALF_LENGTH;
    static final double FORCE = 10.0;
    static final double TAU = 0.02;
    static final double THETA_LIMIT = 12 * 2 * Math.PI / 360;
    static final double X_LIMIT = 2.4;

    public CartPole(int environments) {
        super(environments, 4, 500);
    }

    @Override
    public int observationSize() {
        return 4;
    }

    @Override
    public int actionSize() {
        return 1;
    }

    @Override
    void initial(SplittableRandom random, double[] s, int at) {
        for (int i = 0; i < 4; i++) {
            s[at + i] = random.nextDouble(-0.05, 0.05);
        }
    }

    @Override
    double advance(double[] s, int at, float[] actions, int actionAt) {
        float action = actions[actionAt];
        if (action != 0 && action != 1) {
            throw new IllegalArgumentException(
                    "CartPole's action must be 0 or 1, got " + action + " for environment " + actionAt);
        }
        double x = s[at];
        double xDot = s[at + 1];
        double theta = s[at + 2];
        double thetaDot = s[at + 3];
        double force = action == 1 ? FORCE : -FORCE;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
        double thetaAcc =
                (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos * cos / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        s[at] = x + TAU * xDot;
        s[at + 1] = xDot + TAU * xAcc;
        s[at + 2] = theta + TAU * thetaDot;
        s[at + 3] = thetaDot + TAU * thetaAcc;
        return 1.0;
    }

    @Override
    boolean terminated(double[] s, int at) {
        return s[at] < -X_LIMIT || s[at] > X_LIMIT || s[at + 2] < -THETA_LIMIT || s[at + 2] > THETA_LIMIT;
    }

    @Override
    void observe(double[] s, int at, float[] observations, int observationAt) {
        for (int i = 0; i < 4; i++) {
            observations[observationAt + i] = (float) s[at + i];
        }
    }
}

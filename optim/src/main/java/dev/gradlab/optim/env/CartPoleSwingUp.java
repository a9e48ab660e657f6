package dev.gradlab.optim.env;

import java.util.SplittableRandom;

/**
 * EvoJAX's cart-pole swing-up (easy start): the pole starts hanging down and must be swung up and
 * balanced. State {@code (x, ẋ, θ, θ̇)} with θ = 0 upright; observation {@code (x, ẋ, cos θ, sin θ, θ̇)};
 * one continuous action, clipped to [−1, 1] and scaled to a force {@code F} of ±10. With g 9.82,
 * cart and pole mass 0.5 each ({@code M = 1}), pole length l 0.6, friction b 0.1 and
 * {@code c = cos θ, s = sin θ}:
 * {@code ẍ = (−2·m l θ̇² s + 3 m g s c + 4F − 4bẋ) / (4M − 3m c²)},
 * {@code θ̈ = (−3·m l θ̇² s c + 6 M g s + 6(F − bẋ) c) / (4 l M − 3 m l c²)}, then explicit Euler with
 * Δt 0.01. Reward after each step {@code (cos θ + 1)/2 · cos(x/2.4 · π/2)}; the episode fails when
 * |x| > 2.4 (that step's reward counted) and is truncated after 1,000 steps. Initial state
 * {@code (0, 0, π, 0) + 0.2·N(0, I)}. Computed in double.
 */
public final class CartPoleSwingUp extends PhysicsEnvironment {

    static final double GRAVITY = 9.82;
    static final double CART_MASS = 0.5;
    static final double POLE_MASS = 0.5;
    static final double POLE_LENGTH = 0.6;
    static final double FRICTION = 0.1;
    static final double FORCE = 10.0;
    static final double DT = 0.01;
    static final double X_LIMIT = 2.4;

    public CartPoleSwingUp(int environments) {
        super(environments, 4, 1000);
    }

    @Override
    public int observationSize() {
        return 5;
    }

    @Override
    public int actionSize() {
        return 1;
    }

    @Override
    void initial(SplittableRandom random, double[] s, int at) {
        s[at] = 0.2 * random.nextGaussian();
        s[at + 1] = 0.2 * random.nextGaussian();
        s[at + 2] = Math.PI + 0.2 * random.nextGaussian();
        s[at + 3] = 0.2 * random.nextGaussian();
    }

    @Override
    double advance(double[] s, int at, float[] actions, int actionAt) {
        double force = Math.min(Math.max(actions[actionAt], -1.0), 1.0) * FORCE;
        double x = s[at];
        double xDot = s[at + 1];
        double theta = s[at + 2];
        double thetaDot = s[at + 3];
        double sin = Math.sin(theta);
        double cos = Math.cos(theta);
        double totalMass = CART_MASS + POLE_MASS;
        double mpl = POLE_MASS * POLE_LENGTH;
        double xAcc = (-2 * mpl * thetaDot * thetaDot * sin
                        + 3 * POLE_MASS * GRAVITY * sin * cos
                        + 4 * force
                        - 4 * FRICTION * xDot)
                / (4 * totalMass - 3 * POLE_MASS * cos * cos);
        double thetaAcc = (-3 * mpl * thetaDot * thetaDot * sin * cos
                        + 6 * totalMass * GRAVITY * sin
                        + 6 * (force - FRICTION * xDot) * cos)
                / (4 * POLE_LENGTH * totalMass - 3 * mpl * cos * cos);
        s[at] = x + xDot * DT;
        s[at + 2] = theta + thetaDot * DT;
        s[at + 1] = xDot + xAcc * DT;
        s[at + 3] = thetaDot + thetaAcc * DT;
        double rewardTheta = (Math.cos(s[at + 2]) + 1) / 2;
        double rewardX = Math.cos(s[at] / X_LIMIT * (Math.PI / 2));
        return rewardTheta * rewardX;
    }

    @Override
    boolean terminated(double[] s, int at) {
        return s[at] < -X_LIMIT || s[at] > X_LIMIT;
    }

    @Override
    void observe(double[] s, int at, float[] observations, int observationAt) {
        observations[observationAt] = (float) s[at];
        observations[observationAt + 1] = (float) s[at + 1];
        observations[observationAt + 2] = (float) Math.cos(s[at + 2]);
        observations[observationAt + 3] = (float) Math.sin(s[at + 2]);
        observations[observationAt + 4] = (float) s[at + 3];
    }
}

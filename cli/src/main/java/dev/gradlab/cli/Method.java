package dev.gradlab.cli;

import java.util.Locale;

/**
 * How {@code gradlab train} gets its gradients, with the settings each method uses for every option
 * the user leaves out: backprop reproduces the notebook; es and fd use the settings that train well
 * on the subset (antithetic pairs with centered ranks and Adam, after OpenAI's evolution-strategies
 * starter), since the notebook's own ES estimator has a cosine of about zero to the gradient. ga
 * is no gradient method: it has no optimizer, and its own settings ({@link GaDefaults}).
 */
enum Method {
    BACKPROP(OptimizerChoice.SGD, 0.1f, 0.9f, 100, 0f, 0, false, false),
    ES(OptimizerChoice.ADAM, 0.01f, 0.9f, 50, 0.05f, 100, true, true),
    FD(OptimizerChoice.ADAM, 0.01f, 0.9f, 50, 0.001f, 100, false, false),
    GA(null, 0f, 0f, GaDefaults.EPOCHS, GaDefaults.SIGMA, GaDefaults.POPULATION, false, false);

    /**
     * The genetic algorithm's settings for the options left out: on the subset (900 images for
     * fitness, 100 held out) 112 epochs are 1,008 generations, about 0.75 test accuracy in under a
     * minute on 2 threads; σ 0.005 learns far slower, 0.05 and above plateau lower.
     */
    static final class GaDefaults {
        static final int EPOCHS = 112;
        static final float SIGMA = 0.01f;
        static final int POPULATION = 500;
        static final int PARENTS = 20;
        static final int ELITES = 5;
        static final int HOLDOUT = 100;

        private GaDefaults() {
        }
    }

    /**
     * ES perturbs each weight matrix by a rank-1 product (EGGROLL) unless told otherwise: on the
     * subset it reaches the accuracy of full-rank ES in half the epochs, at over ten times the loss
     * evaluations per second.
     */
    static final PerturbationChoice PERTURBATION = PerturbationChoice.LOWRANK;
    static final int RANK = 1;

    final OptimizerChoice optimizer;
    final float lr;
    final float momentum;
    final int epochs;
    final float sigma;
    final int population;
    final boolean antithetic;
    final boolean rankShaping;

    Method(OptimizerChoice optimizer, float lr, float momentum, int epochs, float sigma, int population,
           boolean antithetic, boolean rankShaping) {
        this.optimizer = optimizer;
        this.lr = lr;
        this.momentum = momentum;
        this.epochs = epochs;
        this.sigma = sigma;
        this.population = population;
        this.antithetic = antithetic;
        this.rankShaping = rankShaping;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

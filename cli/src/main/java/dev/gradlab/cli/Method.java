package dev.gradlab.cli;

import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.FiniteDifferences;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.GradientEstimator;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How {@code gradlab train} gets its gradients: the recipe of each method, its estimator (or, for
 * ga, its genetic algorithm), the options it takes and the settings it uses for every one the user
 * leaves out. backprop reproduces the reference experiment; es and fd use the settings that train well on the
 * subset (antithetic pairs with centered ranks and Adam, after OpenAI's evolution-strategies
 * starter), since the reference experiment's own ES estimator has a cosine of about zero to the gradient. ga is
 * no gradient method: it has no optimizer; it takes the library's settings but for its epochs and
 * held-out images ({@link GaDefaults}). The learning
 * rate's default is the optimizer's ({@link OptimizerChoice}).
 */
enum Method {
    BACKPROP(OptimizerChoice.SGD, 100, 0f, 0, Options.OPTIMIZER) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            return new Backprop();
        }
    },
    ES(
            OptimizerChoice.ADAM,
            50,
            EvolutionStrategies.DEFAULT_SIGMA,
            EvolutionStrategies.DEFAULT_POPULATION,
            Options.OPTIMIZER,
            Options.POPULATION,
            Options.ES,
            Options.PERTURBATION) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            return EvolutionStrategies.builder()
                    .population(o.population(this))
                    .sigma(o.sigma(this))
                    .antithetic(o.antithetic())
                    .rankShaping(o.rankShaping())
                    .baseline(o.baseline())
                    .perturbation(o.perturbation())
                    .seed(seed)
                    .build();
        }
    },
    FD(OptimizerChoice.ADAM, 50, 0.001f, 100, Options.OPTIMIZER, Options.POPULATION) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            return FiniteDifferences.directional(o.population(this), o.sigma(this), seed);
        }
    },
    GA(
            null,
            GaDefaults.EPOCHS,
            GeneticAlgorithm.DEFAULT_SIGMA,
            GeneticAlgorithm.DEFAULT_POPULATION,
            Options.POPULATION,
            Options.PERTURBATION,
            Options.GA) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            throw new IllegalStateException("ga is not a gradient estimator");
        }
    },
    /** PGPE, for a reinforcement-learning {@code --task} only (the optim.search strategy). */
    PGPE(null, 0, 0f, 0) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            throw taskOnly(this);
        }
    },
    /** SNES, for a reinforcement-learning {@code --task} only (the optim.search strategy). */
    SNES(null, 0, 0f, 0) {
        @Override
        GradientEstimator estimator(PopulationOptions o, long seed) {
            throw taskOnly(this);
        }
    };

    private static RuntimeException taskOnly(Method method) {
        return Usage.error(
                "--method " + method + " trains a policy with --task cartpole|swingup; on images use" + " --method es");
    }

    /**
     * The genetic algorithm's settings that the library has no default for: on the subset (900
     * images for fitness, 100 held out) 112 epochs are 1,008 generations, with the library's
     * population, parents, elites and σ about 0.75 test accuracy in under a minute on 2 threads.
     */
    static final class GaDefaults {
        static final int EPOCHS = 112;
        static final int HOLDOUT = 100;

        private GaDefaults() {}
    }

    /** The options that only some methods take, by what they set. */
    static final class Options {
        static final List<String> OPTIMIZER = List.of("--optimizer", "--lr", "--momentum", "--lr-schedule", "--warmup");
        static final List<String> POPULATION = List.of("--sigma", "--population");
        static final List<String> PERTURBATION = List.of("--perturbation", "--rank");
        static final List<String> ES = List.of("--antithetic", "--rank-shaping", "--baseline", "--sigma-schedule");
        static final List<String> GA = List.of("--parents", "--elites", "--holdout");
        static final Set<String> ALL = Stream.of(OPTIMIZER, POPULATION, PERTURBATION, ES, GA)
                .flatMap(List::stream)
                .collect(Collectors.toUnmodifiableSet());

        private Options() {}
    }

    /**
     * ES perturbs each weight matrix by a rank-1 product (EGGROLL) unless told otherwise: on the
     * subset it reaches the accuracy of full-rank ES in half the epochs, at over ten times the loss
     * evaluations per second.
     */
    static final PerturbationChoice PERTURBATION = PerturbationChoice.LOWRANK;

    static final int RANK = 1;

    final OptimizerChoice optimizer;
    final int epochs;
    final float sigma;
    final int population;
    final Set<String> options;

    @SafeVarargs
    Method(OptimizerChoice optimizer, int epochs, float sigma, int population, List<String>... options) {
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.sigma = sigma;
        this.population = population;
        this.options = Arrays.stream(options).flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
    }

    /** The gradient estimator of a gradient method, from the options and their defaults. */
    abstract GradientEstimator estimator(PopulationOptions o, long seed);

    /** Refuses any of the options {@code given} on the command line that this method does not take. */
    void check(Collection<String> given) {
        for (String option : given) {
            if (Options.ALL.contains(option) && !options.contains(option)) {
                throw Usage.error("option '" + option + "' does not apply to --method " + this);
            }
        }
    }

    /**
     * The genetic algorithm on the training set less its last {@code --holdout} images, which choose
     * the champion among the elites; the caller adds the listener.
     */
    static GeneticAlgorithm.Builder evolution(
            PopulationOptions o, ModelSpec model, DataSplit split, int epochs, int batch, boolean shuffle, long seed) {
        Dataset train = split.train();
        int held = o.holdout(train.size());
        int kept = train.size() - held;
        int f = train.features();
        Dataset fitness = held == 0
                ? train
                : new Dataset(
                        Arrays.copyOf(train.images(), kept * f),
                        Arrays.copyOf(train.labels(), kept),
                        f,
                        train.classes());
        Dataset validation = held == 0
                ? null
                : new Dataset(
                        Arrays.copyOfRange(train.images(), kept * f, train.size() * f),
                        Arrays.copyOfRange(train.labels(), kept, train.size()),
                        f,
                        train.classes());
        return GeneticAlgorithm.builder()
                .model(model)
                .initialSeed(seed)
                .seed(seed)
                .population(o.population(GA))
                .parents(o.parents())
                .elites(o.elites())
                .sigma(o.sigma(GA))
                .epochs(epochs)
                .batchSize(batch)
                .perturbation(o.perturbation())
                .train(fitness)
                .validation(validation)
                .test(split.test())
                .shuffle(shuffle);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

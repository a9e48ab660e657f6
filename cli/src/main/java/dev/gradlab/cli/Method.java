package dev.gradlab.cli;

import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.FiniteDifferences;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.optim.search.CenterOptimizer;
import dev.gradlab.optim.search.Pgpe;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.optim.search.Snes;
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
            Options.GA),
    /** PGPE (optim.search) over the network's parameters, Adam on its center; with {@code --task}, a policy's. */
    PGPE(null, SearchDefaults.EPOCHS, SearchDefaults.PGPE_SIGMA, SearchDefaults.POPULATION, Options.SEARCH) {
        @Override
        SearchStrategy strategy(PopulationOptions o, Float lr, float[] start, long seed) {
            return Pgpe.builder(start)
                    .sigma(o.sigma(this))
                    .population(o.population(this))
                    .optimizer(CenterOptimizer.adam(lr != null ? lr : SearchDefaults.PGPE_LR))
                    .seed(seed)
                    .build();
        }
    },
    /** SNES (optim.search) over the network's parameters; with {@code --task}, a policy's. */
    SNES(null, SearchDefaults.EPOCHS, SearchDefaults.SNES_SIGMA, SearchDefaults.POPULATION, Options.SEARCH) {
        @Override
        SearchStrategy strategy(PopulationOptions o, Float lr, float[] start, long seed) {
            return Usage.as(
                    "lr",
                    () -> Snes.builder(start)
                            .sigma(o.sigma(this))
                            .population(o.population(this))
                            .etaCenter(lr != null ? lr : SearchDefaults.SNES_LR)
                            .seed(seed)
                            .build());
        }
    };

    /**
     * PGPE's and SNES's settings on images, which their libraries' defaults (made for control tasks and
     * test functions) do not give: tried on the subset, as docs/optim.md reports.
     */
    static final class SearchDefaults {
        static final int EPOCHS = 50;
        static final int POPULATION = 64;
        static final float PGPE_SIGMA = 0.03f;
        static final float PGPE_LR = 0.01f;
        static final float SNES_SIGMA = 0.05f;
        static final float SNES_LR = 1f;

        private SearchDefaults() {}
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
        /** PGPE and SNES: their σ, population and the center's learning rate. */
        static final List<String> SEARCH = List.of("--sigma", "--population", "--lr");

        static final Set<String> ALL = Stream.of(OPTIMIZER, POPULATION, PERTURBATION, ES, GA, SEARCH)
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
    GradientEstimator estimator(PopulationOptions o, long seed) {
        throw new IllegalStateException(this + " is not a gradient estimator");
    }

    /**
     * The search strategy of pgpe or snes over the parameters {@code start}, from the options
     * ({@code lr}: {@code --lr}, or null) and their defaults.
     */
    SearchStrategy strategy(PopulationOptions o, Float lr, float[] start, long seed) {
        throw new IllegalStateException(this + " is not a search strategy");
    }

    /** What {@code train} prints of pgpe's or snes's settings, such as {@code pgpe P=64 sigma 0.05}. */
    String describe(SearchStrategy strategy, PopulationOptions o) {
        return this + " P=" + strategy.populationSize() + " sigma " + o.sigma(this);
    }

    /** What {@code train} prints of how pgpe or snes moves its center. */
    String center(Float lr) {
        return this == PGPE
                ? "adam lr " + (lr != null ? lr : SearchDefaults.PGPE_LR) + " on the center"
                : "center rate " + (lr != null ? lr : SearchDefaults.SNES_LR);
    }

    /** Whether this method trains by a search strategy ({@link #strategy}) rather than an estimator. */
    boolean searches() {
        return this == PGPE || this == SNES;
    }

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
        Dataset fitness = held == 0 ? train : train.slice(0, kept);
        Dataset validation = held == 0 ? null : train.slice(kept, train.size());
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

package dev.gradlab.optim.search;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.core.population.PopulationLossEvaluator;
import java.util.List;
import java.util.Objects;

/**
 * Ask/tell over a module's parameters: a {@link SearchStrategy} whose vector is the module's
 * parameters flattened in {@code parameters()} order, with each generation's fitness computed by a
 * {@link PopulationLossEvaluator} as the members' losses on a batch. Members are never weight copies:
 * a generation is handed to the evaluator as a {@link Population} of seeds, the same noise streams
 * that {@link Generation#member} regenerates, {@link Population#scaled scaled} by the strategy's σ
 * of each parameter. Between {@link #tell} and the next evaluation the module holds the center.
 *
 * <pre>{@code
 * Sequential model = ...;
 * ModuleSearch search = new ModuleSearch(model, Snes.builder(ModuleSearch.parameters(model)).sigma(0.01f).build());
 * for (Batch batch : batches) {
 *     Generation g = search.ask();
 *     search.tell(g, search.evaluate(g, Objective.crossEntropy(), batch));
 * }
 * }</pre>
 *
 * Takes the diagonal Gaussians, {@link Pgpe} (antithetic pairs {@code c ± σ ⊙ z_d}) and {@link Snes}
 * ({@code c + σ ⊙ z_m}); OpenAI-ES on a module is {@code EvolutionStrategies}, and CMA-ES's full
 * covariance is no per-parameter scale. The losses are those of {@link PopulationEvaluator}, the
 * same on any thread count, so a search is too.
 */
public final class ModuleSearch {

    private final Module module;
    private final List<Tensor> params;
    private final SearchStrategy strategy;
    private final PopulationLossEvaluator evaluator;
    private float[] losses = new float[0];
    private float centerLoss = Float.NaN;

    /** A search on the {@link PopulationEvaluator} of this process. */
    public ModuleSearch(Module module, SearchStrategy strategy) {
        this(module, strategy, new PopulationEvaluator());
    }

    /**
     * Puts {@code strategy}'s center into {@code module}'s parameters.
     *
     * @throws IllegalArgumentException when the strategy's dimension is not the module's parameter
     *     count, or the strategy is not one of the diagonal Gaussians named in the class comment
     */
    public ModuleSearch(Module module, SearchStrategy strategy, PopulationLossEvaluator evaluator) {
        this.module = Objects.requireNonNull(module, "module");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.params = module.parameters();
        int count = Parameters.count(params);
        if (strategy.dimension() != count) {
            throw new IllegalArgumentException("strategy must have the module's " + count
                    + " parameters as its dimension, got " + strategy.dimension());
        }
        if (!(strategy instanceof Pgpe) && !(strategy instanceof Snes)) {
            throw new IllegalArgumentException("strategy must be Pgpe or Snes (a Gaussian with one sigma per"
                    + " parameter), got " + strategy.name()
                    + "; OpenAI-ES on a module is EvolutionStrategies, CMA-ES is for flat vectors");
        }
        Parameters.unflatten(strategy.center(), params);
    }

    /** {@code module}'s parameters flattened, the start of a strategy that {@link ModuleSearch} takes. */
    public static float[] parameters(Module module) {
        return Parameters.flatten(module.parameters());
    }

    public Module module() {
        return module;
    }

    public SearchStrategy strategy() {
        return strategy;
    }

    /** The strategy's next generation. */
    public Generation ask() {
        return strategy.ask();
    }

    /**
     * Generation {@code g} as a population of the module's parameters: member {@code m} of the one is
     * member {@code m} of the other, around the center that the module holds.
     */
    public Population population(Generation g) {
        strategy.checkCurrent(g);
        // PGPE's members are pairs c ± σ ⊙ z_d, SNES's c + σ ⊙ z_m: direction d's noise is stream (g, d).
        if (strategy instanceof Pgpe p) {
            return Population.es(Perturbation.fullRank(), 1f, true, strategy.seed(), g.index(), g.size() / 2)
                    .scaled(p.sigma());
        }
        return Population.es(Perturbation.fullRank(), 1f, false, strategy.seed(), g.index(), g.size())
                .scaled(((Snes) strategy).sigma());
    }

    /**
     * The fitness of every member of {@code g}: {@code objective} on {@code batch} at the member, lower
     * being better. {@link #centerLoss()} is then the objective at the center.
     */
    public double[] evaluate(Generation g, Objective objective, Batch batch) {
        Population population = population(g);
        if (losses.length != population.members()) {
            losses = new float[population.members()];
        }
        centerLoss = evaluator.evaluate(module, objective, batch, population, losses);
        double[] fitness = new double[losses.length];
        for (int m = 0; m < fitness.length; m++) {
            fitness[m] = losses[m];
        }
        return fitness;
    }

    /** The objective at the center on the last evaluated batch; NaN before any. */
    public float centerLoss() {
        return centerLoss;
    }

    /** Tells the strategy {@code g}'s fitness and puts its new center into the module. */
    public void tell(Generation g, double[] fitness) {
        strategy.tell(g, fitness);
        Parameters.unflatten(strategy.center(), params);
    }

    /** One generation on {@code batch}: ask, evaluate, tell; returns the objective at the center before it. */
    public float step(Objective objective, Batch batch) {
        Generation g = ask();
        tell(g, evaluate(g, objective, batch));
        return centerLoss;
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.optim.search.Generation;
import dev.gradlab.optim.search.ModuleSearch;
import dev.gradlab.optim.search.SearchStrategy;
import java.util.List;
import java.util.Objects;

/**
 * The training loop of a search strategy over a model's parameters ({@link ModuleSearch}): one
 * generation per batch, whose members' fitness is their loss on it, and after each epoch the
 * strategy's center evaluated on the test set, with the listeners, metrics and divergence checks of
 * a {@link Trainer}. A step's loss is the center's on its batch, before the generation is told; its
 * loss evaluations are the members' and the center's. The run is reproducible: the batch order
 * depends on {@code seed} and the epoch, the members on the strategy's seed and generation.
 *
 * <pre>{@code
 * Sequential model = ...;
 * TrainingResult r = SearchTrainer.builder()
 *         .model(model)
 *         .strategy(Pgpe.builder(ModuleSearch.parameters(model)).sigma(0.01f).build())
 *         .train(train).test(test).epochs(20)
 *         .build()
 *         .run();
 * }</pre>
 */
public final class SearchTrainer {

    private final Module model;
    private final SearchStrategy strategy;
    private final PopulationLossEvaluator evaluator;
    private final LoopSettings loop;

    private SearchTrainer(Builder b) {
        this.model = LoopSettings.required(b.model, "model", "SearchTrainer");
        this.strategy = LoopSettings.required(b.strategy, "strategy", "SearchTrainer");
        this.evaluator = b.evaluator;
        this.loop = b.settings("SearchTrainer");
        // Checks that the strategy fits the model before anything runs.
        new ModuleSearch(model, strategy, evaluator);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a {@link SearchTrainer}; model, strategy and train set are required. */
    public static final class Builder extends LoopBuilder<Builder> {
        private Module model;
        private SearchStrategy strategy;
        private PopulationLossEvaluator evaluator = new PopulationEvaluator();

        private Builder() {
            super(true);
        }

        public Builder model(Module model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The search over the model's parameters: {@code Pgpe} or {@code Snes}, started at them or elsewhere. */
        public Builder strategy(SearchStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /** What computes the members' losses; default a {@link PopulationEvaluator}. */
        public Builder evaluator(PopulationLossEvaluator evaluator) {
            this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
            return this;
        }

        public SearchTrainer build() {
            return new SearchTrainer(this);
        }
    }

    /** Trains for the configured epochs and returns the final test metrics and the cost. */
    public TrainingResult run() {
        ModuleSearch search = new ModuleSearch(model, strategy, evaluator);
        List<Tensor> parameters = model.parameters();
        DivergenceGuard guard = new DivergenceGuard(parameters, loop.maxLoss());
        return new TrainingLoop(loop, model, List.of(), guard).run(new Steps(search, guard), 0, 0, 0);
    }

    /** One generation per batch. */
    private final class Steps implements TrainingLoop.Method {
        private final ModuleSearch search;
        private final DivergenceGuard guard;
        private long evaluations;

        Steps(ModuleSearch search, DivergenceGuard guard) {
            this.search = search;
            this.guard = guard;
        }

        @Override
        public float step(int epoch, int index, long step, Batch batch) {
            Generation g = search.ask();
            double[] fitness = search.evaluate(g, loop.objective(), batch);
            evaluations += g.size() + 1L;
            float loss = search.centerLoss();
            guard.checkBatchLoss(epoch, index, step, loss);
            search.tell(g, fitness);
            guard.checkWeights(epoch, index, step);
            return loss;
        }

        @Override
        public long lossEvaluations() {
            return evaluations;
        }
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.search.NonFiniteFitnessException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

/**
 * The simple genetic algorithm of Such et al. 2017 ("Deep Neuroevolution", arXiv 1712.06567) training
 * a network: no gradient at all, only selection and mutation, every individual stored as the chain of
 * seeds that made it (a {@link Genome}). The algorithm is {@link GeneticSearch}'s (elites, children of
 * uniformly chosen parents by seed, truncation selection); a mutation is {@code θ' = θ + σ·ε}, with ε
 * the direction of {@code Population.ofSeeds(perturbation, σ, s)} (full-rank or low-rank).
 *
 * <p>Generation {@code g} trains on one batch of the training set (epochs visit the set batch by
 * batch, in the order of {@link dev.gradlab.data.Batcher} with {@code seed}). Fitness is the objective
 * on that batch, the same for everyone. The children of one parent are evaluated in one call of a
 * {@link PopulationEvaluator} with the model at that parent, so they share its unperturbed first-layer
 * product; the parent's own loss, an elite's fitness, comes out of the same call. After selection the
 * elites are re-evaluated on the held-out {@link Builder#validation} set and the best there is the
 * <em>champion</em>, so that one lucky batch does not crown one (without a held-out set the champion is
 * the fittest elite). Generation 0's only parent, and only elite, is the network
 * {@code spec.build(initialSeed)}, the initial weights the other methods start from. After each epoch
 * the champion is evaluated on the test set and reported as an {@link EpochMetrics} (train loss: the
 * mean over the epoch's generations of the best fitness's loss), so the listeners of a {@link Trainer}
 * serve here too.
 *
 * <p>Memory: the weights of the current parents only, {@code T × D} floats (each new parent reuses
 * the array of the parent it came from or of one that left no descendant), plus the model. A run
 * is the same, to the bit, on any number of threads: the evaluator's losses are, and everything
 * else runs in a fixed order on the calling thread.
 */
public final class GeneticAlgorithm {

    private final ModelSpec spec;
    private final LongFunction<Sequential> model;
    private final long initialSeed;
    private final int population;
    private final int parents;
    private final int elites;
    private final float sigma;
    private final Perturbation perturbation;
    private final Dataset validation;
    private final LoopSettings loop;
    private final PopulationLossEvaluator evaluator;

    private GeneticAlgorithm(Builder b) {
        this.model = LoopSettings.required(b.model, "model", "GeneticAlgorithm");
        this.spec = b.spec;
        this.initialSeed = b.initialSeed;
        this.population = b.population;
        this.parents = b.parents;
        this.elites = b.elites;
        this.sigma = b.sigma;
        this.perturbation = b.perturbation;
        this.validation = b.validation;
        this.evaluator = b.evaluator;
        GeneticSearch.check(population, parents, elites);
        this.loop = b.settings("GeneticAlgorithm", null);
        if (validation != null && validation.size() == 0) {
            throw new IllegalArgumentException("validation set must not be empty, got 0 examples");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The builder's default population {@code P}, parents {@code T}, elites {@code E} and σ. */
    public static final int DEFAULT_POPULATION = 500;

    public static final int DEFAULT_PARENTS = 20;
    public static final int DEFAULT_ELITES = 5;
    public static final float DEFAULT_SIGMA = 0.01f;

    /**
     * Settings of a {@link GeneticAlgorithm}; the model and the training set are required. The
     * defaults are those that reach 0.75 on the embedded Fashion-MNIST subset (see docs/optim.md).
     * Those it shares with the {@link Trainer} (the data, epochs, batches, listeners) are
     * {@link LoopBuilder}'s; here the batches are not shuffled by default, and an epoch has one
     * generation per batch.
     */
    public static final class Builder extends LoopBuilder<Builder> {
        private ModelSpec spec;
        private LongFunction<Sequential> model;
        private long initialSeed;
        private int population = DEFAULT_POPULATION;
        private int parents = DEFAULT_PARENTS;
        private int elites = DEFAULT_ELITES;
        private float sigma = DEFAULT_SIGMA;
        private Perturbation perturbation = Perturbation.lowRank(1);
        private Dataset validation;
        private PopulationLossEvaluator evaluator;

        private Builder() {
            super(false);
        }

        /**
         * The network every genome builds, any {@link dev.gradlab.core.nn.Sequential} of built-in
         * modules (an MLP, a convnet): {@code spec.build(seed)} makes it, and each genome records it.
         */
        public Builder model(ModelSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.model = spec::build;
            return this;
        }

        /**
         * Any network, a user's own modules too: {@code model.apply(seed)} builds it. Its genomes
         * rebuild the champion but cannot be written ({@link Genome#write}); save the champion's
         * weights with {@code ModelFile.save} instead.
         */
        public Builder model(LongFunction<Sequential> model) {
            this.model = Objects.requireNonNull(model, "model");
            this.spec = null;
            return this;
        }

        /** The MLP every genome builds: {@code model(architecture.spec())}. */
        public Builder architecture(Architecture architecture) {
            return model(Objects.requireNonNull(architecture, "architecture").spec());
        }

        /** Seeds generation 0's network, {@code spec.build(initialSeed)}; default 0. */
        public Builder initialSeed(long initialSeed) {
            this.initialSeed = initialSeed;
            return this;
        }

        /** Individuals per generation {@code P}, elites included; default 500. */
        public Builder population(int population) {
            this.population = Checks.positive("population", population);
            return this;
        }

        /** Parents {@code T}: the fittest that breed the next generation; default 20. */
        public Builder parents(int parents) {
            this.parents = Checks.positive("parents", parents);
            return this;
        }

        /** Elites {@code E}: the fittest, passed on unchanged; default 5. */
        public Builder elites(int elites) {
            this.elites = Checks.positive("elites", elites);
            return this;
        }

        /** The mutation's standard deviation σ per weight; default 0.01. */
        public Builder sigma(float sigma) {
            this.sigma = Checks.positive("sigma", sigma);
            return this;
        }

        /** Full-rank or low-rank mutations; default {@code Perturbation.lowRank(1)}. */
        public Builder perturbation(Perturbation perturbation) {
            this.perturbation = Objects.requireNonNull(perturbation, "perturbation");
            return this;
        }

        /** The held-out set on which the elites are re-evaluated to choose the champion; optional. */
        public Builder validation(Dataset validation) {
            this.validation = validation;
            return this;
        }

        /**
         * What computes the children's losses; default a {@link PopulationEvaluator} of the run's own.
         * Another one (gradlab-cluster's, across machines) changes where they are computed, not the run.
         */
        public Builder evaluator(PopulationLossEvaluator evaluator) {
            this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
            return this;
        }

        public GeneticAlgorithm build() {
            return new GeneticAlgorithm(this);
        }
    }

    /**
     * A {@link TrainingListener} ({@code onStep} once per generation) that may also see each generation;
     * every listener added to the builder that is one sees them.
     */
    public interface Listener extends TrainingListener {
        /** After each generation's selection. */
        default void onGeneration(Generation generation) {}
    }

    /**
     * One generation, after selection.
     *
     * @param generation the generation, from 0
     * @param losses the objective of each individual on the generation's batch: the elites first (in
     *     the order of their fitness), then the children
     * @param selected the indices into {@code losses} of the next parents, fittest first; the first
     *     {@code E} are the next elites
     * @param parents the genomes of the next parents, in the order of {@code selected}
     * @param champion the index into {@code selected} of the champion
     * @param championLoss the champion's objective on the held-out set (NaN without one)
     */
    public record Generation(
            long generation, float[] losses, int[] selected, List<Genome> parents, int champion, float championLoss) {}

    /**
     * What a run ends with: the champion's genome and the final test metrics and cost.
     *
     * @param champion the champion of the last generation
     * @param model the network at the champion's weights
     * @param result final test accuracy and loss (of the champion), epochs, loss evaluations, time
     */
    public record Result(Genome champion, Sequential model, TrainingResult result) {}

    /** Evolves for the configured epochs. */
    public Result run() {
        Sequential model = this.model.apply(initialSeed);
        Generations generations = new Generations(model);
        TrainingResult result = new TrainingLoop(loop, model, List.of(), generations.guard).run(generations, null);
        return new Result(generations.search.parents().get(generations.champion), model, result);
    }

    /** One generation per batch; after each epoch the model holds the champion's weights. */
    private final class Generations implements TrainingLoop.Method {
        private final Sequential model;
        private final List<Tensor> params;
        private final PopulationLossEvaluator evaluator =
                GeneticAlgorithm.this.evaluator != null ? GeneticAlgorithm.this.evaluator : new PopulationEvaluator();
        private final DivergenceGuard guard;
        private final GeneticSearch search;
        /** The weights of the search's parents, in the same order. */
        private final List<float[]> weights;

        private final float[] losses = new float[population];
        private final float[] memberLosses = new float[population - elites];
        private int champion;
        private long evaluations;

        Generations(Sequential model) {
            this.model = model;
            this.params = model.parameters();
            this.guard = new DivergenceGuard(params, loop.maxLoss());
            this.weights = new ArrayList<>(List.of(Parameters.flatten(params)));
            Genome initial = spec != null
                    ? new Genome(spec, sigma, perturbation, initialSeed)
                    : new Genome(GeneticAlgorithm.this.model, sigma, perturbation, initialSeed);
            this.search = new GeneticSearch(initial, population, parents, elites, loop.seed());
        }

        @Override
        public float step(int epoch, int index, long generation, Batch b) {
            Objective objective = loop.objective();
            GeneticSearch.Members g = search.ask();
            int currentElites = g.elites();
            int children = g.children();
            // Each parent's children in one evaluation, sharing the parent's unperturbed product.
            for (int j = 0; j < g.parents().size(); j++) {
                int parent = j;
                int[] own = IntStream.range(0, children)
                        .filter(c -> g.parentOf(c) == parent)
                        .toArray();
                if (own.length == 0 && j >= currentElites) {
                    continue;
                }
                Parameters.unflatten(weights.get(j), params);
                float center;
                if (own.length == 0) {
                    center = BatchLoss.of(model, objective, b);
                    evaluations++;
                } else {
                    Population mutations = Population.ofSeeds(
                            perturbation,
                            sigma,
                            Arrays.stream(own).mapToLong(g::seed).toArray());
                    center = evaluator instanceof GenomeEvaluator ge
                            ? ge.evaluate(g.parents().get(j), model, objective, b, mutations, memberLosses)
                            : evaluator.evaluate(model, objective, b, mutations, memberLosses);
                    evaluations += own.length + 1;
                    for (int k = 0; k < own.length; k++) {
                        losses[currentElites + own[k]] = memberLosses[k];
                    }
                }
                if (j < currentElites) {
                    losses[j] = center;
                }
            }
            int[] selected;
            try {
                selected = search.tell(g, losses);
            } catch (NonFiniteFitnessException e) {
                // Every loss is NaN or infinite: the run diverged, which the guard names by its step.
                guard.checkBatchLoss(epoch, index, generation, losses[0]);
                throw e;
            }
            float best = losses[selected[0]];
            guard.checkBatchLoss(epoch, index, generation, best);
            breed(g, selected);
            float championLoss = Float.NaN;
            champion = 0;
            if (validation != null) {
                for (int e = 0; e < Math.min(elites, selected.length); e++) {
                    Parameters.unflatten(weights.get(e), params);
                    float loss = Metrics.loss(model, objective, validation);
                    evaluations++;
                    if (e == 0 || loss < championLoss) {
                        championLoss = loss;
                        champion = e;
                    }
                }
            }
            Generation event = new Generation(
                    generation, Arrays.copyOf(losses, g.size()), selected, search.parents(), champion, championLoss);
            for (TrainingListener l : loop.listeners()) {
                if (l instanceof Listener generations) {
                    generations.onGeneration(event);
                }
            }
            return best;
        }

        /**
         * Replaces the parents' weights by the selected members': an elite keeps its weights, a child
         * is its parent's weights plus its mutation. A new parent reuses the array of the parent it
         * comes from once that parent's other descendants have copied it, or the array of a parent
         * that left none, so the arrays never number more than {@code T}.
         */
        private void breed(GeneticSearch.Members g, int[] selected) {
            int current = weights.size();
            List<List<Integer>> descendants = new ArrayList<>();
            for (int j = 0; j < current; j++) {
                descendants.add(new ArrayList<>());
            }
            for (int k = 0; k < selected.length; k++) {
                int i = selected[k];
                descendants.get(i < g.elites() ? i : g.parentOf(i - g.elites())).add(k);
            }
            ArrayDeque<float[]> free = new ArrayDeque<>();
            for (int j = 0; j < current; j++) {
                if (descendants.get(j).isEmpty()) {
                    free.add(weights.get(j));
                }
            }
            float[][] next = new float[selected.length][];
            for (int j = 0; j < current; j++) {
                List<Integer> ks = descendants.get(j);
                for (int q = 0; q < ks.size(); q++) {
                    int k = ks.get(q);
                    float[] parent = weights.get(j);
                    float[] w = q == ks.size() - 1
                            ? parent
                            : free.isEmpty() ? parent.clone() : copyInto(parent, free.poll());
                    int i = selected[k];
                    if (i >= g.elites()) {
                        Parameters.unflatten(w, params);
                        search.parents().get(k).applyMutation(model, g.seed(i - g.elites()));
                        Parameters.flatten(params, w);
                    }
                    next[k] = w;
                }
            }
            weights.clear();
            weights.addAll(Arrays.asList(next));
        }

        @Override
        public void endEpoch(int epoch) {
            Parameters.unflatten(weights.get(champion), params);
        }

        @Override
        public long lossEvaluations() {
            return evaluations;
        }
    }

    private static float[] copyInto(float[] from, float[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }
}

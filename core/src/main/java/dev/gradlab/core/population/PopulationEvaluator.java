package dev.gradlab.core.population;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.ParameterBinding;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Module;
import dev.gradlab.simd.Parallel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The losses of every member of a {@link Population} on one batch, without copying or changing the
 * model, in parallel on the simd pool: population evaluation as a capability of modules (see
 * {@link Module#forwardMembers}).
 *
 * <p>The unperturbed model runs first, on the calling thread (its products use the whole pool);
 * what it computes on the shared input is kept for every member. Then each worker takes one
 * direction at a time and passes its members through the model. A member's loss depends only on
 * its own direction, so the losses are the same, to the bit, on any number of threads.
 *
 * <p>An evaluator keeps its per-thread buffers between calls; it is not for concurrent use.
 */
public final class PopulationEvaluator {

    private Members[] workers = new Members[0];
    private List<Module> fallbacks = List.of();

    /**
     * Fills {@code losses[m]} with {@code objective} at member {@code m} (see {@link Population}) and
     * returns the objective at the unperturbed parameters.
     *
     * @throws IllegalArgumentException when {@code losses} has fewer than {@code population.members()}
     *     entries, or when the model, objective and batch do not fit together
     */
    public float evaluate(Module model, Objective objective, Batch batch, Population population, float[] losses) {
        if (model == null || objective == null || batch == null || population == null) {
            throw new IllegalArgumentException("model, objective, batch and population must not be null");
        }
        if (losses.length < population.members()) {
            throw new IllegalArgumentException("losses must have at least " + population.members()
                    + " entries (the population's members), got " + losses.length);
        }
        Evaluation ev = new Evaluation(model, objective, batch, population);
        fallbacks = ev.fallback.modules;
        try (var noGrad = Tape.noGrad(); Workspace centerSpace = Workspace.open()) {
            Members center = new Members(ev, true);
            center.start(0);
            model.forwardMembers(center);
            float loss = objective.value(center.output(0), batch);
            int directions = population.directions();
            int threads = Math.max(1, Math.min(Parallel.threads(), directions));
            ensureWorkers(ev, threads);
            AtomicInteger next = new AtomicInteger();
            try (ParameterBinding binding = ev.fallback.used ? ParameterBinding.open(ev.params) : null) {
                ev.fallback.binding = binding;
                Parallel.forEach(threads, slot -> {
                    Members members = workers[slot];
                    try (var scope = Tape.noGrad()) {
                        for (int d; (d = next.getAndIncrement()) < directions; ) {
                            try (Workspace space = Workspace.open()) {
                                members.start(d);
                                model.forwardMembers(members);
                                for (int m = 0; m < members.count(); m++) {
                                    losses[population.antithetic() ? 2 * d + m : d] =
                                            objective.value(members.output(m), batch);
                                }
                            }
                        }
                    }
                });
            }
            return loss;
        }
    }

    /**
     * The modules of the last evaluation that had no population path of their own and took the
     * functional fallback (correct, but each member then rebuilds their parameters): empty when
     * every module shares work between members.
     */
    public List<Module> fallbacks() {
        return List.copyOf(fallbacks);
    }

    private void ensureWorkers(Evaluation ev, int threads) {
        if (workers.length < threads) {
            workers = java.util.Arrays.copyOf(workers, threads);
        }
        for (int w = 0; w < workers.length; w++) {
            if (workers[w] == null) {
                workers[w] = new Members(ev, false);
            } else {
                workers[w].reset(ev);
            }
        }
    }

    /** What one call knows: the model's parameters and their noise layout, and the shared outputs. */
    static final class Evaluation {
        final Population population;
        final Batch batch;
        final List<Tensor> params;
        final long[] noiseOffsets;
        final Map<Tensor, Integer> indices = new IdentityHashMap<>();
        final List<Tensor> sharedOutputs = new ArrayList<>();
        final Map<Tensor, Object> prepared = new IdentityHashMap<>();
        final FunctionalFallback fallback;

        Evaluation(Module model, Objective objective, Batch batch, Population population) {
            this.population = population;
            this.batch = batch;
            this.params = model.parameters();
            this.noiseOffsets = population.noiseOffsets(params);
            for (int i = 0; i < params.size(); i++) {
                indices.putIfAbsent(params.get(i), i);
            }
            this.fallback = new FunctionalFallback(this);
        }

        int index(Tensor param) {
            Integer i = indices.get(param);
            if (i == null) {
                throw new IllegalArgumentException("tensor " + java.util.Arrays.toString(param.shape())
                        + " is not one of the evaluated model's parameters()");
            }
            return i;
        }

        int noiseLength(int i) {
            return population.perturbation().noiseLength(params.get(i));
        }
    }
}

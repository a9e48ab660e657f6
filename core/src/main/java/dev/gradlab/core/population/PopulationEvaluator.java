package dev.gradlab.core.population;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.ParameterBinding;
import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.EvalMode;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.simd.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The losses of every member of a {@link Population} on one batch, without copying or changing the
 * model, in parallel on the simd pool: population evaluation as a capability of modules.
 *
 * <p>The model is read as its modules in forward order ({@link Sequential}s opened). The unperturbed
 * model runs first, on the calling thread (its products use the whole pool). Until the first module
 * with parameters every member sees its activations, so they are computed once; that module's
 * shared phase ({@link PopulationForward#share}) runs there too. Then each worker takes one
 * direction at a time and passes its members (one, or an antithetic pair) through the rest of the
 * model: a {@link PopulationForward} module by its member phase, a module without parameters by its
 * forward, any other module by its forward with its parameters bound to the member's values. A
 * member's loss depends only on its own direction, so the losses are the same, to the bit, on any
 * number of threads.
 *
 * <p>The model runs in evaluation mode ({@link Module#eval()}: dropout is the identity), so that a
 * member's loss does not depend on a random mask or on which thread drew it; each module's mode is
 * restored when the call returns.
 *
 * <p>An evaluator keeps its per-thread buffers between calls; it is not for concurrent use.
 */
public final class PopulationEvaluator implements PopulationLossEvaluator {

    private Worker[] workers = new Worker[0];
    private List<Module> fallbacks = List.of();
    /** Lockstep: the noise of the last population and model, kept between steps; or null. */
    private KeptNoise kept;
    /** Lockstep: the last call's plan of the model, reused while the model, population and threads stay. */
    private Evaluation lockstepPlan;

    /** The most noise numbers {@link #forwardLockstep} keeps between calls (64 MiB of floats). */
    static final long LOCKSTEP_NOISE_LIMIT = 16L << 20;

    /** About how many rows a worker takes at a time through a lockstep step (whole members). */
    private static final int LOCKSTEP_ROWS = 128;

    /** {@code 0, 1, …, P − 1}: every member of the last lockstep call over all of them. */
    private int[] everyMember = new int[0];

    /**
     * Fills {@code losses[m]} with {@code objective} at member {@code m} (see {@link Population}) and
     * returns the objective at the unperturbed parameters.
     *
     * @throws IllegalArgumentException when {@code losses} has fewer than {@code population.members()}
     *     entries, or when the model, objective and batch do not fit together
     */
    @Override
    public float evaluate(Module model, Objective objective, Batch batch, Population population, float[] losses) {
        if (model == null || objective == null || batch == null || population == null) {
            throw new IllegalArgumentException("model, objective, batch and population must not be null");
        }
        if (losses.length < population.members()) {
            throw new IllegalArgumentException("losses must have at least " + population.members()
                    + " entries (the population's members), got " + losses.length);
        }
        int directions = population.directions();
        int threads = Math.max(1, Math.min(Parallel.threads(), directions));
        Evaluation ev = new Evaluation(model, population, threads);
        fallbacks = ev.fallbacks;
        try (var eval = EvalMode.of(model);
                var noGrad = Tape.noGrad();
                Workspace centerSpace = Workspace.open()) {
            Tensor x = batch.inputs();
            for (int i = 0; i < ev.steps.length; i++) {
                Tensor y = ev.steps[i].module.forward(x);
                if (i == ev.first) {
                    ev.input = x;
                    ev.steps[i].share(x, y, ev.shared);
                }
                x = y;
            }
            float loss = objective.value(x, batch);
            if (ev.first == ev.steps.length) {
                Arrays.fill(losses, 0, population.members(), loss);
                return loss;
            }
            prepareWorkers(ev, threads);
            AtomicInteger next = new AtomicInteger();
            try (ParameterBinding binding = ev.fallbacks.isEmpty() ? null : ParameterBinding.open(List.of(ev.params))) {
                ev.binding = binding;
                Parallel.forEach(threads, slot -> {
                    try (var scope = Tape.noGrad()) {
                        for (int d; (d = next.getAndIncrement()) < directions; ) {
                            workers[slot].run(d, objective, batch, losses);
                        }
                    }
                });
            }
            return loss;
        }
    }

    /**
     * Lockstep: every member's output on inputs of its own (member {@code m}'s observation at step
     * {@code t} of a rollout), in one call. Member {@code m}'s input is its block of rows
     * {@code [m·R, (m + 1)·R)} of {@code inputs}, {@code R = inputs.dim(0) / population.members()};
     * its output goes to the same block of rows of {@code out}. The members are cut into blocks, and
     * each worker takes a block at a time through the whole model: a module without parameters runs
     * its forward once on the block's stacked rows; a module with parameters runs its lockstep phase
     * ({@link PopulationForward#forwardMembers}: for a {@code Linear}, the block's base products one
     * GEMM and each member adding its own correction, low-rank its rank-{@code r} product
     * {@code X_m·B_m}; by default its member phase on each member's rows, with those rows' output of
     * its forward as the base), and any other module takes the functional fallback on each member's
     * rows. Every member's output depends only on its own rows and direction: the same on any thread
     * count. The evaluator keeps every direction's noise between calls with the same population and
     * model (the steps of one rollout).
     *
     * @return the shape of one member's output block ({@code [R, ...]})
     * @throws IllegalArgumentException when {@code inputs.dim(0)} is not a multiple of the members,
     *     or {@code out} does not hold exactly the members' outputs
     */
    public int[] forwardLockstep(Module model, Population population, Tensor inputs, float[] out) {
        if (population == null) {
            throw new IllegalArgumentException("model, population, inputs and out must not be null");
        }
        int members = population.members();
        if (everyMember.length != members) {
            everyMember = new int[members];
            for (int m = 0; m < members; m++) {
                everyMember[m] = m;
            }
        }
        return forwardLockstep(model, population, everyMember, members, inputs, out);
    }

    /**
     * Lockstep for some of the members: as {@link #forwardLockstep(Module, Population, Tensor,
     * float[])}, with {@code inputs} and {@code out} laid out for every member, but only the members
     * {@code members[0, count)} computed (a rollout's members still playing), in that order: their rows
     * of {@code inputs} read, their rows of {@code out} written, the others' rows of {@code out} left
     * as they are. A member's output is the one the call over every member gives it.
     *
     * @return the shape of one member's output block ({@code [R, ...]}), or null when {@code count} is 0
     * @throws IllegalArgumentException as the call over every member, or when a listed member is not
     *     one of the population's
     */
    public int[] forwardLockstep(
            Module model, Population population, int[] members, int count, Tensor inputs, float[] out) {
        return forwardLockstep(model, population, members, count, inputs, out, null);
    }

    /**
     * What a lockstep caller does with a block of members' outputs, on the thread that computed them,
     * before that thread takes its next block: a rollout picks their actions and steps their
     * environments there, so that a step is one parallel section rather than one per phase.
     */
    @FunctionalInterface
    public interface BlockDone {
        /**
         * Members {@code members[from, to)} have their rows of {@code out} set. It may read and write
         * only those members' rows (of {@code out}, of the inputs, and of its own arrays): other
         * blocks run at the same time on other threads.
         */
        void accept(int[] members, int from, int to);
    }

    /**
     * Lockstep for some of the members, as {@link #forwardLockstep(Module, Population, int[], int,
     * Tensor, float[])}, calling {@code after} (when not null) for each block of members once their
     * rows of {@code out} are set, on the thread that computed the block. Whatever {@code after}
     * does with a member depends only on that member's rows, so it is the same on any thread count.
     */
    public int[] forwardLockstep(
            Module model,
            Population population,
            int[] members,
            int count,
            Tensor inputs,
            float[] out,
            BlockDone after) {
        if (model == null || population == null || members == null || inputs == null || out == null) {
            throw new IllegalArgumentException("model, population, members, inputs and out must not be null");
        }
        int all = population.members();
        if (inputs.rank() < 2 || inputs.dim(0) % all != 0) {
            throw new IllegalArgumentException("inputs must stack the population's " + all
                    + " members' rows, [members·rows, ...], got " + Arrays.toString(inputs.shape()));
        }
        if (count < 0 || count > members.length) {
            throw new IllegalArgumentException(
                    "count must be in [0, " + members.length + "] (the members listed), got " + count);
        }
        for (int i = 0; i < count; i++) {
            if (members[i] < 0 || members[i] >= all) {
                throw new IllegalArgumentException(
                        "members[" + i + "] must be in [0, " + all + ") (the population's members), got " + members[i]);
            }
        }
        if (count == 0) {
            return null;
        }
        int threads = Math.max(1, Math.min(Parallel.threads(), count));
        Evaluation ev = lockstepPlan;
        if (ev == null || ev.model != model || ev.population != population || ev.workers != threads || !ev.current()) {
            ev = new Evaluation(model, population, threads);
            lockstepPlan = ev;
        }
        fallbacks = ev.fallbacks;
        if (kept == null || !kept.of(population, ev.params)) {
            // Noise above the limit is regenerated by each worker, member by member.
            kept = null;
            kept = KeptNoise.generate(population, ev.params, ev.noiseOffsets, LOCKSTEP_NOISE_LIMIT);
        }
        ev.kept = kept;
        prepareWorkers(ev, threads);
        // Blocks of at most about LOCKSTEP_ROWS rows, as many as a multiple of the threads and of equal
        // size, so that the threads finish together (300 members on 2 threads: 4 blocks of 75, not 128, 128, 44).
        int rowsEach = inputs.dim(0) / all;
        int most = Math.max(1, LOCKSTEP_ROWS / rowsEach);
        int perBlock = ceilDiv(count, Math.min(count, threads * ceilDiv(count, threads * most)));
        int blocks = ceilDiv(count, perBlock);
        AtomicInteger next = new AtomicInteger();
        try (ParameterBinding binding = ev.fallbacks.isEmpty() ? null : ParameterBinding.open(List.of(ev.params))) {
            ev.binding = binding;
            Parallel.forEach(Math.min(threads, blocks), slot -> {
                try (var scope = Tape.noGrad()) {
                    for (int b; (b = next.getAndIncrement()) < blocks; ) {
                        int from = b * perBlock;
                        int to = Math.min(count, from + perBlock);
                        workers[slot].runLockstep(members, from, to, inputs, out);
                        if (after != null) {
                            after.accept(members, from, to);
                        }
                    }
                }
            });
        }
        return ev.lockstepShape;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private void prepareWorkers(Evaluation ev, int threads) {
        if (workers.length < threads) {
            workers = Arrays.copyOf(workers, threads);
        }
        for (int w = 0; w < threads; w++) {
            workers[w] = workers[w] == null ? new Worker(w) : workers[w];
            workers[w].reset(ev);
        }
    }

    /**
     * The modules of the last evaluation that have parameters and no population path of their own
     * and took the functional fallback (correct, but each member then rebuilds their parameters):
     * empty when every module shares work between members.
     */
    public List<Module> fallbacks() {
        return List.copyOf(fallbacks);
    }

    /** What one call knows: the model's modules in forward order, its parameters' noise layout. */
    static final class Evaluation {
        final Module model;
        final Population population;
        final int workers;
        final Step<?>[] steps;
        /** The first step with parameters (steps.length when none has any). */
        final int first;

        final Tensor[] params;
        final long[] noiseOffsets;
        final List<Module> fallbacks = new ArrayList<>();
        final SharedInput shared = new SharedInput(this, null);
        /** Lockstep: every direction's noise, or null. */
        KeptNoise kept;
        /** Lockstep: the shape of one member's output, set by the blocks. */
        volatile int[] lockstepShape;
        /** The first step's input, which every member shares. */
        Tensor input;

        ParameterBinding binding;

        Evaluation(Module model, Population population, int workers) {
            this.model = model;
            this.population = population;
            this.workers = workers;
            List<Step<?>> plan = new ArrayList<>();
            List<Tensor> all = new ArrayList<>();
            flatten(model, plan, all);
            this.steps = plan.toArray(new Step<?>[0]);
            this.params = all.toArray(new Tensor[0]);
            this.noiseOffsets = population.noiseOffsets(all);
            int f = 0;
            while (f < steps.length && steps[f].params.length == 0) {
                f++;
            }
            this.first = f;
        }

        /** Whether every module still has the parameter tensors this plan was made with. */
        boolean current() {
            for (Step<?> step : steps) {
                List<Tensor> now = step.module.parameters();
                if (now.size() != step.params.length) {
                    return false;
                }
                for (int j = 0; j < step.params.length; j++) {
                    if (now.get(j) != step.params[j]) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void flatten(Module module, List<Step<?>> plan, List<Tensor> all) {
            if (module instanceof Sequential s) {
                for (Module layer : s.layers()) {
                    flatten(layer, plan, all);
                }
                return;
            }
            Step<?> step = new Step<>(module, all.size());
            all.addAll(module.parameters());
            if (step.forward == null && step.params.length > 0) {
                fallbacks.add(module);
            }
            plan.add(step);
        }
    }

    /** One module of the model, with the result of its shared phase when every member shares its input. */
    static final class Step<S> {
        final Module module;
        /** The module's population path, or null: no parameters, or the fallback. */
        final PopulationForward<S> forward;

        final Tensor[] params;
        /** The index of {@code params[0]} among the model's parameters. */
        final int offset;

        S shared;

        @SuppressWarnings("unchecked")
        Step(Module module, int offset) {
            this.module = module;
            this.params = module.parameters().toArray(new Tensor[0]);
            this.forward =
                    module instanceof PopulationForward<?> f && params.length > 0 ? (PopulationForward<S>) f : null;
            this.offset = offset;
        }

        /** The index of {@code param} among the model's parameters; it must be one of this module's. */
        int index(Tensor param) {
            for (int j = 0; j < params.length; j++) {
                if (params[j] == param) {
                    return offset + j;
                }
            }
            throw new IllegalArgumentException(
                    "tensor " + Arrays.toString(param.shape()) + " is not one of the parameters() of " + module);
        }

        void share(Tensor x, Tensor y, SharedInput on) {
            if (forward != null) {
                on.step = this;
                shared = forward.share(x, y, on);
            }
        }

        /** Member {@code m}'s output of this module for its input {@code x}, the shared one when {@code atFirst}. */
        Tensor forward(Tensor x, Member m, boolean atFirst) {
            if (params.length == 0) {
                return module.forward(x);
            }
            m.step = this;
            if (forward == null) {
                return m.forwardBound(x);
            }
            if (atFirst) {
                return forward.forwardMember(shared, m);
            }
            m.own.step = this;
            return forward.forwardMember(forward.share(x, null, m.own), m);
        }

        /**
         * Member {@code m}'s output on its own input {@code x}, given the unperturbed output {@code y}
         * of the same rows (lockstep): the member phase on that base, or the fallback.
         */
        Tensor forwardOwn(Tensor x, Tensor y, Member m) {
            m.step = this;
            if (forward == null) {
                return m.forwardBound(x);
            }
            m.own.step = this;
            return forward.forwardMember(forward.share(x, y, m.own), m);
        }
    }

    /** One thread's members, its noise for the direction it evaluates, and its fallback's bound values. */
    static final class Worker {
        final int slot;
        final Member[] members = {new Member(this, 1f), new Member(this, -1f)};
        final Tensor[] outputs = new Tensor[2];
        final MemberRows rows = new MemberRows(this);
        Evaluation ev;
        private float[][] noise = new float[0][];
        private int[] noiseDirection = new int[0];
        float[][] values = new float[0][];

        Worker(int slot) {
            this.slot = slot;
        }

        void reset(Evaluation ev) {
            this.ev = ev;
            if (noise.length < ev.params.length) {
                noise = Arrays.copyOf(noise, ev.params.length);
                noiseDirection = new int[ev.params.length];
            }
            Arrays.fill(noiseDirection, -1);
            if (values.length != ev.params.length) {
                values = new float[ev.params.length][];
            }
        }

        /** Evaluates direction {@code d}'s members in a workspace of their own. */
        void run(int d, Objective objective, Batch batch, float[] losses) {
            boolean antithetic = ev.population.antithetic();
            int count = antithetic ? 2 : 1;
            try (Workspace space = Workspace.open()) {
                for (int m = 0; m < count; m++) {
                    members[m].direction = d;
                    members[m].index = antithetic ? 2 * d + m : d;
                    outputs[m] = ev.input;
                }
                for (int i = ev.first; i < ev.steps.length; i++) {
                    for (int m = 0; m < count; m++) {
                        outputs[m] = ev.steps[i].forward(outputs[m], members[m], i == ev.first);
                    }
                }
                for (int m = 0; m < count; m++) {
                    losses[members[m].index] = objective.value(outputs[m], batch);
                    outputs[m] = null;
                }
            }
        }

        /**
         * Lockstep: the members {@code members[from, to)} through the whole model, on their rows of
         * {@code inputs} stacked, into their rows of {@code out}. A module without parameters runs its
         * forward once on the block's rows; a module with parameters its lockstep phase
         * ({@link PopulationForward#forwardMembers}), or the fallback on each member's rows.
         */
        void runLockstep(int[] members, int from, int to, Tensor inputs, float[] out) {
            int all = ev.population.members();
            int rowsEach = inputs.dim(0) / all;
            int inMember = inputs.size() / all;
            MemberRows block = rows;
            block.members = members;
            block.from = from;
            block.to = to;
            block.rows = rowsEach;
            try (Workspace space = Workspace.open()) {
                int[] shape = inputs.shape().clone();
                shape[0] = (to - from) * rowsEach;
                Tensor x = Workspace.uninitialized(shape);
                for (int k = from; k < to; k++) {
                    copy(inputs.data(), members[k] * inMember, x.data(), (k - from) * inMember, inMember);
                }
                for (Step<?> step : ev.steps) {
                    if (step.params.length == 0) {
                        x = step.module.forward(x);
                        continue;
                    }
                    block.start(step, x);
                    if (step.forward != null) {
                        step.forward.forwardMembers(block);
                    } else {
                        block.forwardEach();
                    }
                    x = block.finish();
                }
                int outMember = x.size() / (to - from);
                if (out.length != (long) all * outMember) {
                    int[] whole = x.shape().clone();
                    whole[0] = all * rowsEach;
                    throw new IllegalArgumentException("out must hold the members' outputs, " + Arrays.toString(whole)
                            + " = " + (long) all * outMember + " floats, got " + out.length);
                }
                for (int k = from; k < to; k++) {
                    copy(x.data(), (k - from) * outMember, out, members[k] * outMember, outMember);
                }
                int[] one = x.shape().clone();
                one[0] = rowsEach;
                ev.lockstepShape = one;
            }
        }

        /** {@code System.arraycopy}, but a plain loop for a member's few numbers (an observation, an output). */
        private static void copy(float[] from, int fromAt, float[] to, int toAt, int n) {
            if (n >= 16) {
                System.arraycopy(from, fromAt, to, toAt, n);
                return;
            }
            for (int j = 0; j < n; j++) {
                to[toAt + j] = from[fromAt + j];
            }
        }

        /**
         * Direction {@code d}'s noise for parameter {@code i}, the {@link Perturbation#noiseLength}
         * numbers from index 0: generated once per direction, for both members of a pair.
         */
        float[] noise(int i, int d) {
            if (noiseDirection[i] != d) {
                int n = ev.population.perturbation().noiseLength(ev.params[i]);
                if (noise[i] == null || noise[i].length < n) {
                    noise[i] = new float[n];
                }
                if (ev.kept != null) {
                    System.arraycopy(ev.kept.noise[i], ev.kept.at(i, d), noise[i], 0, n);
                } else {
                    ev.population.noise(d, ev.noiseOffsets[i], noise[i], 0, n);
                }
                noiseDirection[i] = d;
            }
            return noise[i];
        }
    }
}

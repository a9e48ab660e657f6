package dev.gradlab.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Genome;
import dev.gradlab.optim.GenomeEvaluator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link PopulationLossEvaluator} that spreads each evaluation's members over the workers
 * ({@link ClusterWorker}) of a Hazelcast cluster, which this evaluator joins as a member of its own.
 *
 * <p>Each evaluation is a round: the parameters (D floats), the population as seeds (for evolution
 * strategies one seed and the step's first stream, 16 bytes) and the batch as row indices into the
 * data set are sent to each worker once, with the first range of directions it is given; every
 * range comes back as its members' losses, 4 bytes each. The losses are exactly those of a
 * {@link PopulationEvaluator} in this process, since a member's loss depends only on its own
 * direction, so an estimator or a genetic algorithm that uses them computes what it computes
 * locally, to the bit.
 *
 * <p>A worker is first sent the job (network, objective, data spec and digest, library version and
 * code digest) and takes part only if it loads the same data and runs the same code; otherwise it
 * is refused and never sent work ({@link Listener#onRefused}). Ranges of a worker that leaves are
 * sent to the others; a worker that joins takes work from the next round; with no worker left the
 * rest of the round is evaluated here ({@link Listener#onLocal}).
 *
 * <p>Not for concurrent use. Closing it leaves the cluster; the workers stay up for the next trainer.
 */
public final class ClusterEvaluator implements GenomeEvaluator, AutoCloseable {

    /** What the evaluator tells its user about the cluster; called on the evaluating thread. */
    public interface Listener {
        /** A worker's range came back. */
        default void onRange(String worker, long round, int from, int to) {}

        /** A worker left (or failed to answer) with ranges unfinished; they are sent to others. */
        default void onResubmitted(String worker, long round, int from, int to, String cause) {}

        /** A worker will never be sent work by this evaluator. */
        default void onRefused(String worker, String reason) {}

        /** Directions {@code [from, to)} of round {@code round} were evaluated here: no worker was left. */
        default void onLocal(long round, int from, int to, String reason) {}

        /** Round {@code round} is complete; {@code workers} workers' results went into it. */
        default void onRound(long round, int workers) {}
    }

    private final ClusterSettings settings;
    private final Network network;
    private final Objective objective;
    private final Listener listener;
    private final int rangesPerWorker;
    private final int inFlight;
    private final Job job;
    private final RowIndex rowIndex;
    private final HazelcastInstance instance;
    private final IExecutorService executor;
    private final PopulationEvaluator local = new PopulationEvaluator();
    private final Set<UUID> accepted = new HashSet<>();
    private final Set<UUID> refused = new HashSet<>();
    private float[] parameters = new float[0];
    private float[] rangeLosses = new float[0];
    private long round;

    private ClusterEvaluator(Builder b) {
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.network = Objects.requireNonNull(b.network, "model");
        this.objective = b.objective;
        Job.objective(objective.name());
        this.listener = b.listener;
        this.rangesPerWorker = b.rangesPerWorker;
        this.inFlight = b.inFlight;
        Dataset data = Objects.requireNonNull(b.data, "data");
        String misfit = network.misfit(data.features());
        if (misfit != null) {
            throw new IllegalArgumentException("data set: " + misfit);
        }
        this.job = new Job(
                UUID.randomUUID().toString(),
                network,
                objective.name(),
                b.dataSpec,
                Identity.digest(data),
                b.identity != null ? b.identity : Identity.local());
        this.rowIndex = new RowIndex(data);
        Config config = settings.config("trainer");
        Wire.register(config);
        this.instance = Hazelcast.newHazelcastInstance(config);
        this.executor = instance.getExecutorService(ClusterSettings.EXECUTOR);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a {@link ClusterEvaluator}: the cluster, the network, and the data set with its spec. */
    public static final class Builder {
        private ClusterSettings settings;
        private Network network;
        private Dataset data;
        private String dataSpec;
        private Objective objective = Objective.crossEntropy();
        private Listener listener = new Listener() {};
        private int rangesPerWorker = 4;
        private int inFlight = 2;
        private Identity identity;

        private Builder() {}

        public Builder settings(ClusterSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The network the evaluated models are; workers build it and set its parameters each round. */
        public Builder model(ModelSpec spec) {
            this.network = Network.of(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** An MLP's network: {@code model(architecture.spec())}. */
        public Builder architecture(Architecture architecture) {
            return model(Objects.requireNonNull(architecture, "architecture").spec());
        }

        /** The evaluated models are {@code Convnets.reference} networks. */
        public Builder referenceConvnet() {
            return model(ModelSpec.of(Convnets.reference(0)));
        }

        /**
         * The data set the batches' rows come from, and the spec every worker loads it from (the
         * worker's own business: a name such as "subset", or a path that exists on every machine).
         */
        public Builder data(String spec, Dataset data) {
            this.dataSpec = Objects.requireNonNull(spec, "spec");
            this.data = data;
            return this;
        }

        /** The objective, one that workers rebuild by name: cross-entropy (the default) or one-hot MSE. */
        public Builder objective(Objective objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How many ranges each round is cut into per worker (more balance, more messages); default 4. */
        public Builder rangesPerWorker(int ranges) {
            if (ranges < 1) {
                throw new dev.gradlab.core.InvalidSettingException("rangesPerWorker", "must be >= 1, got " + ranges);
            }
            this.rangesPerWorker = ranges;
            return this;
        }

        /** Identity a test gives the trainer instead of this process's. */
        Builder identity(Identity identity) {
            this.identity = identity;
            return this;
        }

        /** Joins the cluster. */
        public ClusterEvaluator build() {
            return new ClusterEvaluator(this);
        }
    }

    /** The workers that accepted this evaluator's job and are still members of the cluster. */
    public int workers() {
        int n = 0;
        for (Member m : instance.getCluster().getMembers()) {
            n += accepted.contains(m.getUuid()) ? 1 : 0;
        }
        return n;
    }

    /** The address and port this trainer listens on. */
    public String address() {
        var a = instance.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    @Override
    public float evaluate(Module model, Objective objective, Batch batch, Population population, float[] losses) {
        int d = check(model, objective, population, losses);
        parameters = parameters.length == d ? parameters : new float[d];
        Parameters.flatten(model.parameters(), parameters);
        Round r = new Round(++round, parameters, null, population, rowIndex.rows(batch));
        return new Schedule(r, model, batch, population, losses).run();
    }

    /** The model's parameter count, once the arguments are checked against this evaluator's job. */
    private int check(Module model, Objective objective, Population population, float[] losses) {
        if (!objective.name().equals(this.objective.name())) {
            throw new IllegalArgumentException(
                    "objective must be the cluster evaluator's " + this.objective.name() + ", got " + objective.name());
        }
        if (losses.length < population.members()) {
            throw new IllegalArgumentException("losses must have at least " + population.members()
                    + " entries (the population's members), got " + losses.length);
        }
        var params = model.parameters();
        int d = Parameters.count(params);
        if (d != network.parameters()) {
            throw new IllegalArgumentException("model has " + d + " parameters, the cluster's network " + network
                    + " has " + network.parameters());
        }
        return d;
    }

    /** As {@link #evaluate(Module, Objective, Batch, Population, float[])}, sending {@code parent}'s chain of seeds. */
    @Override
    public float evaluate(
            Genome parent, Module model, Objective objective, Batch batch, Population population, float[] losses) {
        if (!parent.spec().equals(network.spec())) {
            throw new IllegalArgumentException(
                    "genome's network must be the cluster's " + network + ", got " + parent.spec());
        }
        check(model, objective, population, losses);
        Round r = new Round(++round, null, parent, population, rowIndex.rows(batch));
        return new Schedule(r, model, batch, population, losses).run();
    }

    /** One round's ranges, who holds which, and what came back. */
    private final class Schedule {
        private final Round r;
        private final Module model;
        private final Batch batch;
        private final float[] losses;
        private final int perDirection;
        private final ArrayDeque<int[]> pending = new ArrayDeque<>();
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Map<Member, Integer> busy = new LinkedHashMap<>();
        private final Set<Member> holding = new HashSet<>();
        private final Set<Member> used = new HashSet<>();
        private int left;
        private float center = Float.NaN;
        private boolean haveCenter;

        Schedule(Round r, Module model, Batch batch, Population population, float[] losses) {
            this.r = r;
            this.model = model;
            this.batch = batch;
            this.losses = losses;
            this.perDirection = population.antithetic() ? 2 : 1;
            for (Member m : workersNow()) {
                busy.put(m, 0);
            }
            int directions = population.directions();
            int size = Math.max(1, -Math.floorDiv(-directions, Math.max(1, busy.size() * rangesPerWorker)));
            for (int from = 0; from < directions; from += size) {
                pending.add(new int[] {from, Math.min(directions, from + size)});
            }
            this.left = pending.size();
        }

        float run() {
            if (busy.isEmpty()) {
                local("no worker in " + settings);
            }
            dispatch();
            while (left > 0) {
                Event e;
                try {
                    e = events.take();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(
                            "interrupted while round " + r.number + " was evaluated on " + settings, ie);
                }
                busy.computeIfPresent(e.worker, (m, n) -> n - 1);
                if (e.error == null) {
                    done(e.range, e.result, e.worker);
                } else {
                    failed(e);
                }
                if (busy.isEmpty() && !pending.isEmpty()) {
                    local("no worker left in " + settings);
                }
                dispatch();
            }
            listener.onRound(r.number, used.size());
            return center;
        }

        private void done(int[] range, float[] result, Member worker) {
            System.arraycopy(result, 1, losses, range[0] * perDirection, (range[1] - range[0]) * perDirection);
            if (!haveCenter) {
                center = result[0];
                haveCenter = true;
            }
            left--;
            if (worker != null) {
                used.add(worker);
                listener.onRange(name(worker), r.number, range[0], range[1]);
            }
        }

        private void failed(Event e) {
            Throwable cause = e.error;
            if (find(cause, RoundMissingException.class) != null) {
                holding.remove(e.worker);
                pending.addFirst(e.range);
                return;
            }
            if (find(cause, JobUnknownException.class) != null) {
                // The worker dropped this job for newer trainers': greeted again next round, others take the range.
                accepted.remove(e.worker.getUuid());
                busy.remove(e.worker);
                holding.remove(e.worker);
                pending.addFirst(e.range);
                return;
            }
            if (gone(cause)) {
                busy.remove(e.worker);
                holding.remove(e.worker);
                pending.addFirst(e.range);
                listener.onResubmitted(name(e.worker), r.number, e.range[0], e.range[1], String.valueOf(cause));
                return;
            }
            throw new IllegalStateException(
                    "worker " + name(e.worker) + " failed on directions [" + e.range[0] + ", " + e.range[1]
                            + ") of round " + r.number + ": " + cause,
                    cause);
        }

        /** Sends pending ranges to the workers with room, the round itself with each worker's first one. */
        private void dispatch() {
            boolean sent = true;
            while (sent && !pending.isEmpty()) {
                sent = false;
                for (Map.Entry<Member, Integer> w : busy.entrySet()) {
                    if (pending.isEmpty()) {
                        break;
                    }
                    if (w.getValue() < inFlight) {
                        Member m = w.getKey();
                        int[] range = pending.poll();
                        Round payload = holding.add(m) ? r : null;
                        w.setValue(w.getValue() + 1);
                        sent = true;
                        executor.submitToMember(
                                new RangeTask(job.id, r.number, payload, range[0], range[1]),
                                m,
                                new ExecutionCallback<float[]>() {
                                    @Override
                                    public void onResponse(float[] response) {
                                        events.add(new Event(m, range, response, null));
                                    }

                                    @Override
                                    public void onFailure(Throwable t) {
                                        events.add(new Event(m, range, null, t));
                                    }
                                });
                    }
                }
            }
        }

        /** Evaluates every pending range here. */
        private void local(String reason) {
            while (!pending.isEmpty()) {
                int[] range = pending.poll();
                Population part = r.range(range[0], range[1]);
                rangeLosses = rangeLosses.length >= part.members() ? rangeLosses : new float[part.members()];
                float c = ClusterEvaluator.this.local.evaluate(model, objective, batch, part, rangeLosses);
                float[] result = new float[1 + part.members()];
                result[0] = c;
                System.arraycopy(rangeLosses, 0, result, 1, part.members());
                listener.onLocal(r.number, range[0], range[1], reason);
                done(range, result, null);
            }
        }
    }

    private record Event(Member worker, int[] range, float[] result, Throwable error) {}

    /** The cluster's workers that accepted this job, after a handshake with those not seen before. */
    private List<Member> workersNow() {
        List<Member> workers = new ArrayList<>();
        Map<Member, Future<String>> asked = new HashMap<>();
        for (Member m : instance.getCluster().getMembers()) {
            if (m.localMember()
                    || !"worker".equals(m.getAttribute(ClusterSettings.ROLE))
                    || refused.contains(m.getUuid())) {
                continue;
            }
            if (accepted.contains(m.getUuid())) {
                workers.add(m);
            } else {
                asked.put(m, executor.submitToMember(new Handshake(job), m));
            }
        }
        for (Map.Entry<Member, Future<String>> a : asked.entrySet()) {
            Member m = a.getKey();
            String reason;
            try {
                reason = a.getValue().get();
            } catch (ExecutionException e) {
                if (gone(e)) {
                    continue;
                }
                reason = "handshake failed: " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while greeting worker " + name(m), e);
            }
            if (reason == null) {
                accepted.add(m.getUuid());
                workers.add(m);
            } else {
                refused.add(m.getUuid());
                listener.onRefused(name(m), reason);
            }
        }
        return workers;
    }

    private static boolean gone(Throwable t) {
        return find(t, MemberLeftException.class) != null
                || find(t, TargetNotMemberException.class) != null
                || find(t, TargetDisconnectedException.class) != null
                || find(t, HazelcastInstanceNotActiveException.class) != null
                || find(t, RejectedExecutionException.class) != null
                // A member that stops answering without leaving (a network partition): its range goes elsewhere.
                || find(t, OperationTimeoutException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String name(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    /** Leaves the cluster; the workers stay up. */
    @Override
    public void close() {
        instance.shutdown();
    }
}

package dev.gradlab.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationEvaluator;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Genome;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A worker's state, kept in its Hazelcast instance's user context: the jobs it accepted (each with
 * its network and data set) and the last round of each. Its tasks run one at a time.
 */
final class WorkerContext {

    static final String KEY = "dev.gradlab.cluster.worker";
    /** Trainers a worker serves at once; one more makes the least recent greet it again. */
    static final int JOBS_KEPT = 16;

    private final Function<String, Dataset> data;
    private final Identity identity;
    private final ClusterWorker.Listener listener;
    private final int jobsKept;
    private final Map<String, String> digests = new HashMap<>();
    private final Map<String, Dataset> datasets = new HashMap<>();
    private final Map<String, Accepted> jobs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Accepted> eldest) {
            return size() > jobsKept;
        }
    };
    private final PopulationEvaluator evaluator = new PopulationEvaluator();
    /** The genetic algorithm's recent parents' weights by genome, at most about 128 MB of them. */
    private int weightsKept = 8;

    private final Map<Genome, float[]> weights = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Genome, float[]> eldest) {
            return size() > weightsKept;
        }
    };
    private Sequential scratch;
    private ModelSpec scratchSpec;
    private float[] losses = new float[0];

    WorkerContext(Function<String, Dataset> data, Identity identity, ClusterWorker.Listener listener, int jobsKept) {
        this.jobsKept = jobsKept;
        this.data = data;
        this.identity = identity;
        this.listener = listener;
    }

    static WorkerContext of(HazelcastInstance instance) {
        Object context = instance.getUserContext().get(KEY);
        if (!(context instanceof WorkerContext w)) {
            throw new IllegalStateException(
                    "member " + instance.getCluster().getLocalMember().getAddress() + " is not a gradlab worker");
        }
        return w;
    }

    /** A job this worker takes part in: its network (at the last round's parameters) and data. */
    private static final class Accepted {
        final ModelSpec spec;
        final Sequential model;
        final Objective objective;
        final Dataset dataset;
        Round round;
        Batch batch;

        Accepted(Network network, Objective objective, Dataset dataset) {
            this.spec = network.spec();
            this.model = network.build();
            this.objective = objective;
            this.dataset = dataset;
        }
    }

    /** Null when this worker takes part in {@code job}, or why it does not. */
    synchronized String accept(Job job) {
        // The trainer's identity against this worker's: "library version <worker's> differs from the trainer's <...>".
        String reason = job.identity.mismatch(identity);
        Dataset dataset = null;
        if (reason == null) {
            try {
                dataset = datasets.computeIfAbsent(job.dataSpec, data);
                String digest = digests.computeIfAbsent(job.dataSpec, s -> Identity.digest(datasets.get(s)));
                if (!digest.equals(job.dataDigest)) {
                    reason = "data digest " + Identity.shortDigest(digest) + " of data spec '" + job.dataSpec
                            + "' on the worker differs from the trainer's " + Identity.shortDigest(job.dataDigest)
                            + " (" + dataset.size() + " examples here)";
                } else {
                    String misfit = job.network.misfit(dataset.features());
                    if (misfit != null) {
                        reason = "data spec '" + job.dataSpec + "': " + misfit;
                    }
                }
            } catch (RuntimeException e) {
                reason = "cannot load data spec '" + job.dataSpec + "': " + e.getMessage();
            }
        }
        if (reason == null) {
            jobs.put(job.id, new Accepted(job.network, Job.objective(job.objective), dataset));
            listener.onAccepted(job.id, job.network.toString(), job.dataSpec);
        } else {
            listener.onRefused(job.id, reason);
        }
        return reason;
    }

    /** The unperturbed loss, then the losses of directions {@code [from, to)}'s members. */
    synchronized float[] evaluate(String jobId, long round, Round payload, int from, int to) {
        Accepted job = jobs.get(jobId);
        if (job == null) {
            throw new JobUnknownException(jobId);
        }
        if (payload != null) {
            Genome genome = payload.genome(job.spec);
            float[] parameters = genome != null ? weights(genome) : payload.parameters;
            if (parameters.length != Parameters.count(job.model.parameters())) {
                throw new IllegalArgumentException("round " + round + " has " + parameters.length
                        + " parameters, the job's network " + Parameters.count(job.model.parameters()));
            }
            Parameters.unflatten(parameters, job.model.parameters());
            job.batch = batch(job.dataset, payload.rows, job.batch);
            job.round = payload;
        } else if (job.round == null || job.round.number != round) {
            throw new RoundMissingException(jobId, round);
        }
        if (from < 0 || to > job.round.directions || from >= to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not within the round's "
                    + job.round.directions + " directions");
        }
        Population population = job.round.range(from, to);
        int members = population.members();
        losses = losses.length >= members ? losses : new float[members];
        float center = evaluator.evaluate(job.model, job.objective, job.batch, population, losses);
        float[] out = new float[1 + members];
        out[0] = center;
        System.arraycopy(losses, 0, out, 1, members);
        return out;
    }

    /**
     * {@code genome}'s weights: kept from an earlier round, or its parent's (kept from the previous
     * generation) with the last mutation applied as the genetic algorithm applies it, or the whole
     * chain replayed. Every way gives the algorithm's weights to the bit.
     */
    private float[] weights(Genome genome) {
        float[] w = weights.get(genome);
        if (w == null) {
            long[] chain = genome.mutations();
            float[] parent = chain.length == 0
                    ? null
                    : weights.get(new Genome(
                            genome.spec(),
                            genome.sigma(),
                            genome.perturbation(),
                            genome.initialSeed(),
                            Arrays.copyOf(chain, chain.length - 1)));
            if (parent != null) {
                Sequential model = scratch(genome.spec());
                Parameters.unflatten(parent, model.parameters());
                long seed = chain[chain.length - 1];
                Population.ofSeeds(genome.perturbation(), genome.sigma(), seed)
                        .apply(0, genome.sigma(), model.parameters());
                w = Parameters.flatten(model.parameters());
            } else {
                w = Parameters.flatten(genome.rebuild().parameters());
            }
            weightsKept = Math.max(8, (int) Math.min(1024, (1L << 25) / Math.max(1, w.length)));
            weights.put(genome, w);
        }
        return w;
    }

    private Sequential scratch(ModelSpec spec) {
        if (scratch == null || !scratchSpec.equals(spec)) {
            scratch = spec.build(0);
            scratchSpec = spec;
        }
        return scratch;
    }

    /** The batch of rows {@code rows} of {@code data}, in {@code reuse}'s arrays when they fit. */
    private static Batch batch(Dataset data, int[] rows, Batch reuse) {
        int f = data.features();
        Batch b = reuse != null && reuse.rows() == rows.length
                ? reuse
                : Batch.of(Tensor.zeros(rows.length, f), new int[rows.length]);
        float[] x = b.inputs().data();
        for (int r = 0; r < rows.length; r++) {
            int row = rows[r];
            if (row < 0 || row >= data.size()) {
                throw new IllegalArgumentException("batch row " + r + " is index " + row + ", outside the data set's "
                        + data.size() + " examples");
            }
            System.arraycopy(data.images(), row * f, x, r * f, f);
            b.labels()[r] = data.labels()[row];
        }
        return b;
    }
}

package dev.gradlab.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.gradlab.data.Dataset;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A member of a cluster that evaluates population members for trainers ({@link ClusterEvaluator}).
 * It loads each job's data set itself, from the job's data spec through the function it is given,
 * and takes part only when the data set's digest, the library's version and the code's digest equal
 * the trainer's. It stays up between trainers until {@link #close()} (or the process's shutdown,
 * which leaves the cluster gracefully).
 */
public final class ClusterWorker implements AutoCloseable {

    /** What a worker tells its user; called on the worker's task thread. */
    public interface Listener {
        /** A trainer's job was accepted: this worker evaluates its members from now on. */
        default void onAccepted(String job, String network, String dataSpec) {}

        /** A trainer's job was refused: this worker takes no part in it. */
        default void onRefused(String job, String reason) {}
    }

    private final HazelcastInstance instance;
    private final CountDownLatch down = new CountDownLatch(1);

    private ClusterWorker(
            ClusterSettings settings,
            Function<String, Dataset> data,
            Listener listener,
            Identity identity,
            int jobsKept) {
        Config config = settings.config("worker");
        Wire.register(config);
        config.getUserContext().put(WorkerContext.KEY, new WorkerContext(data, identity, listener, jobsKept));
        config.addListenerConfig(
                new com.hazelcast.config.ListenerConfig((com.hazelcast.core.LifecycleListener) event -> {
                    if (event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                        down.countDown();
                    }
                }));
        this.instance = Hazelcast.newHazelcastInstance(config);
    }

    /**
     * Starts a worker and joins the cluster.
     *
     * @param data loads the data set a job's data spec names (the training set whose rows the
     *     trainer's batches are)
     */
    public static ClusterWorker start(ClusterSettings settings, Function<String, Dataset> data, Listener listener) {
        return start(settings, data, listener, Identity.local(), WorkerContext.JOBS_KEPT);
    }

    /** A worker of another identity, or that serves fewer trainers at once, for tests. */
    static ClusterWorker start(
            ClusterSettings settings,
            Function<String, Dataset> data,
            Listener listener,
            Identity identity,
            int jobsKept) {
        return new ClusterWorker(
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(data, "data"),
                Objects.requireNonNull(listener, "listener"),
                identity,
                jobsKept);
    }

    /** The address and port this worker listens on. */
    public String address() {
        var a = instance.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    /** The members of the cluster as this worker sees them, itself and any trainers included. */
    public int clusterSize() {
        return instance.getCluster().getMembers().size();
    }

    /** Blocks until this worker has left the cluster (by {@link #close()} or the process's shutdown). */
    public void awaitShutdown() throws InterruptedException {
        down.await();
    }

    /** Leaves the cluster as a crash would: no goodbye, whatever it holds is lost (for tests of failures). */
    void kill() {
        instance.getLifecycleService().terminate();
    }

    /** Leaves the cluster gracefully. */
    @Override
    public void close() {
        instance.shutdown();
    }
}

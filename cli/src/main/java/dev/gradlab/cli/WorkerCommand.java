package dev.gradlab.cli;

import dev.gradlab.cluster.ClusterWorker;
import dev.gradlab.data.Dataset;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab worker}: joins a cluster and evaluates population members for the trainers that
 * come ({@code gradlab train --cluster}), loading each one's data set itself (the same {@code --data}
 * values as train's, looked up on this machine), until Ctrl-C, which leaves the cluster cleanly.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Join a cluster and evaluate population members for 'gradlab train --cluster'.",
            "Open-source Hazelcast has no authentication or encryption: run workers only inside a"
                    + " private network or a VPN (docs/cluster.md). Ctrl-C leaves the cluster."
        })
final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws InterruptedException {
        if (cluster.cluster == null) {
            throw Usage.error("Missing required option: '--cluster=NAME'");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (var t = threads.open()) {
            ClusterWorker worker =
                    ClusterWorker.start(cluster.settings(), WorkerCommand::load, new ClusterWorker.Listener() {
                        @Override
                        public void onAccepted(String job, String network, String dataSpec) {
                            out.print(Text.format(
                                    "worker: working for trainer job %s: %s on --data %s%n", job, network, dataSpec));
                            out.flush();
                        }

                        @Override
                        public void onRefused(String job, String reason) {
                            out.print(Text.format("worker: refused trainer job %s: %s%n", job, reason));
                            out.flush();
                        }
                    });
            out.print(Text.format(
                    "worker %s joined cluster '%s' (%d members); %s; waiting for work, Ctrl-C leaves%n",
                    worker.address(),
                    cluster.cluster,
                    worker.clusterSize(),
                    Text.count(dev.gradlab.simd.Parallel.threads(), "thread")));
            out.flush();
            worker.awaitShutdown();
            out.println("worker: left the cluster");
            out.flush();
        }
        return 0;
    }

    /** The training set a trainer's {@code --data} value names, found on this machine (never downloaded). */
    static Dataset load(String spec) {
        DataOptions options = new DataOptions();
        options.data = spec;
        return options.load().train();
    }
}

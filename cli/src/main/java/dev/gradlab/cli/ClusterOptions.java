package dev.gradlab.cli;

import dev.gradlab.cluster.ClusterEvaluator;
import dev.gradlab.cluster.ClusterSettings;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --cluster}, {@code --members}, {@code --bind}, {@code --port}: where {@code gradlab worker}
 * and {@code gradlab train --cluster} join. Safe defaults: 127.0.0.1 only, the member list (no
 * multicast), no phone-home; a cluster's name is required. See docs/cluster.md.
 */
final class ClusterOptions {

    @Option(
            names = "--cluster",
            paramLabel = "NAME",
            description = "The Hazelcast cluster's name: train --method es|ga evaluates its populations on the"
                    + " cluster's workers; a worker joins it (required).")
    String cluster;

    @Option(
            names = "--members",
            paramLabel = "HOST:PORT",
            split = ",",
            description = "Members to join, comma-separated (default: the --bind address, ports 5701-5703).")
    List<String> members = new ArrayList<>();

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "IP address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String bind;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "5701",
            description = "Port to listen on, or the next free one above it (default: ${DEFAULT-VALUE}).")
    int port;

    /** The settings, the library's refusals named by option. */
    ClusterSettings settings() {
        if (System.getProperty("hazelcast.logging.type") == null) {
            // Hazelcast's start-up log is noise on the console; -Dhazelcast.logging.type=jdk brings it back.
            System.setProperty("hazelcast.logging.type", "none");
        }
        return ClusterSettings.builder()
                .name(cluster)
                .members(members)
                .bind(bind)
                .port(port, true)
                .build();
    }

    /**
     * Joins the cluster as a trainer of {@code model} on {@code train} (loaded by every worker
     * from {@code dataSpec}); what the cluster does is printed to {@code out}.
     */
    Session open(ModelSpec model, String dataSpec, Dataset train, PrintWriter out) {
        Session t = new Session(out);
        t.evaluator = ClusterEvaluator.builder()
                .settings(settings())
                .model(model)
                .data(dataSpec, train)
                .listener(t)
                .build();
        out.print(Text.format("cluster '%s': trainer at %s%n", cluster, t.evaluator.address()));
        out.flush();
        return t;
    }

    /** The trainer's side: the evaluator, and the lines about the cluster, one per epoch. */
    static final class Session implements ClusterEvaluator.Listener, TrainingListener, AutoCloseable {
        private final PrintWriter out;
        private final Set<String> workers = new HashSet<>();
        private ClusterEvaluator evaluator;
        private boolean local;

        private Session(PrintWriter out) {
            this.out = out;
        }

        ClusterEvaluator evaluator() {
            return evaluator;
        }

        /** {@code es} evaluating on the cluster. */
        EvolutionStrategies withEvaluator(EvolutionStrategies es) {
            return EvolutionStrategies.builder()
                    .population(es.population())
                    .sigma(es.sigma())
                    .antithetic(es.antithetic())
                    .rankShaping(es.rankShaping())
                    .baseline(es.baseline())
                    .perturbation(es.perturbation())
                    .seed(es.seed())
                    .evaluator(evaluator)
                    .build();
        }

        @Override
        public void onRange(String worker, long round, int from, int to) {
            workers.add(worker);
            local = false;
        }

        @Override
        public void onRefused(String worker, String reason) {
            out.print(Text.format("cluster: worker %s refused: %s%n", worker, reason));
            out.flush();
        }

        @Override
        public void onResubmitted(String worker, long round, int from, int to, String cause) {
            out.print(Text.format(
                    "cluster: worker %s left during round %d; its directions [%d, %d) go to others%n",
                    worker, round, from, to));
            out.flush();
        }

        @Override
        public void onLocal(long round, int from, int to, String reason) {
            if (!local) {
                out.print(Text.format("cluster: %s; evaluating here from round %d%n", reason, round));
                out.flush();
                local = true;
            }
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            out.print(Text.format(
                    "cluster: %d worker%s took part in epoch %d%s%n",
                    workers.size(),
                    workers.size() == 1 ? "" : "s",
                    m.epoch() + 1,
                    local ? " (now evaluating here)" : ""));
            out.flush();
            workers.clear();
        }

        @Override
        public void close() {
            evaluator.close();
        }
    }
}

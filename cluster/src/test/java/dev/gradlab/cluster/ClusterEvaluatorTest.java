package dev.gradlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.PopulationLossEvaluator;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.Trainer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real Hazelcast members on 127.0.0.1 in this JVM, a cluster of its own per test (unique name,
 * ports found free from a random base): a run on the cluster equals the local run to the bit,
 * whatever the members do.
 */
@Timeout(60)
class ClusterEvaluatorTest {

    private static final Dataset TRAIN = FashionMnist.subset().train();
    private static final Architecture NETWORK = Architecture.of(784, new int[] {16}, 10, Activation.RELU, true);
    private static final Function<String, Dataset> DATA = spec -> {
        if (!spec.equals("subset")) {
            throw new IllegalArgumentException("unknown data spec " + spec);
        }
        return TRAIN;
    };

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private String name;
    private List<Integer> ports;
    private int nextPort;

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A cluster named for this test with {@code members} ports, all listed as its members. */
    private void cluster(String test, int members) throws IOException {
        name = "gradlab-test-" + test + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        ports = freePorts(members);
        nextPort = 0;
    }

    private ClusterSettings settings() {
        ClusterSettings.Builder b = ClusterSettings.builder()
                .name(name)
                .members(ports.stream().map(p -> "127.0.0.1:" + p).toList())
                .port(ports.get(nextPort++), false)
                // Join at once (members start one after another) and notice a killed member within seconds.
                .property("hazelcast.wait.seconds.before.join", "0")
                .property("hazelcast.max.wait.seconds.before.join", "0")
                .property("hazelcast.heartbeat.interval.seconds", "1")
                .property("hazelcast.max.no.heartbeat.seconds", "5")
                .property("hazelcast.graceful.shutdown.max.wait", "10");
        return b.build();
    }

    private ClusterWorker worker(Function<String, Dataset> data, Identity identity) {
        return worker(data, identity, WorkerContext.JOBS_KEPT);
    }

    private ClusterWorker worker(Function<String, Dataset> data, Identity identity, int jobsKept) {
        ClusterWorker w = ClusterWorker.start(
                settings(),
                data,
                new ClusterWorker.Listener() {
                    @Override
                    public void onRefused(String job, String reason) {
                        events.add("worker refused: " + reason);
                    }
                },
                identity,
                jobsKept);
        open.add(w::kill);
        return w;
    }

    private ClusterEvaluator trainer(ClusterEvaluator.Listener listener) {
        ClusterEvaluator e = ClusterEvaluator.builder()
                .settings(settings())
                .architecture(NETWORK)
                .data("subset", TRAIN)
                .listener(listener)
                .build();
        open.add(0, e);
        return e;
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<Integer> found = new ArrayList<>();
        int base = 20000 + ThreadLocalRandom.current().nextInt(30000);
        for (int p = base; found.size() < n && p < 65000; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                found.add(p);
            } catch (IOException busy) {
                // taken: try the next one
            }
        }
        return found;
    }

    /** The parameters after two epochs of low-rank antithetic ES with Adam on the subset. */
    private static float[] trainEs(PopulationLossEvaluator evaluator, Perturbation perturbation) {
        Sequential model = NETWORK.build(7);
        EvolutionStrategies.Builder es = EvolutionStrategies.builder()
                .population(12)
                .sigma(0.05f)
                .antithetic(true)
                .perturbation(perturbation)
                .seed(3);
        if (evaluator != null) {
            es.evaluator(evaluator);
        }
        Trainer.builder()
                .model(model)
                .estimator(es.build())
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(TRAIN)
                .epochs(2)
                .batchSize(200)
                .shuffle(true)
                .seed(11)
                .build()
                .run();
        return Parameters.flatten(model.parameters());
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError("parameter " + i + ": cluster " + actual[i] + " != local " + expected[i]);
            }
        }
    }

    /** What the trainer's listener heard; a test overrides {@link #range} or {@link #roundDone} to act then. */
    private static class Recorder implements ClusterEvaluator.Listener {
        final List<String> workers = new ArrayList<>();
        final List<Long> rounds = new ArrayList<>();
        final List<Long> localRounds = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();
        final List<String> resubmitted = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();

        /** After a range of {@code round} came back from {@code worker}. */
        void range(String worker, long round) {}

        /** After round {@code round} is complete. */
        void roundDone(long round) {}

        @Override
        public final void onRange(String worker, long round, int from, int to) {
            workers.add(worker);
            rounds.add(round);
            range(worker, round);
        }

        @Override
        public final void onResubmitted(String worker, long round, int from, int to, String cause) {
            resubmitted.add(worker + " round " + round + " [" + from + ", " + to + ")");
        }

        @Override
        public final void onRefused(String worker, String reason) {
            refusals.add(worker + ": " + reason);
        }

        @Override
        public final void onLocal(long round, int from, int to, String reason) {
            localRounds.add(round);
            reasons.add(reason);
        }

        @Override
        public final void onRound(long round, int workers) {
            sizes.add(workers);
            roundDone(round);
        }

        List<String> distinctWorkers() {
            return workers.stream().distinct().toList();
        }
    }

    @Test
    void esOnThreeWorkersEqualsTheLocalRunBitForBit() throws IOException {
        cluster("equal", 4);
        for (int i = 0; i < 3; i++) {
            worker(DATA, Identity.local());
        }
        Recorder heard = new Recorder();
        ClusterEvaluator cluster = trainer(heard);
        for (Perturbation p : List.of(Perturbation.lowRank(1), Perturbation.fullRank())) {
            assertBitsEqual(trainEs(null, p), trainEs(cluster, p));
        }
        assertEquals(3, heard.distinctWorkers().size(), "workers used: " + heard.workers);
        // The losses themselves, member by member, for a population that is not evolution strategies'.
        Sequential model = NETWORK.build(5);
        var population = dev.gradlab.core.population.Population.ofSeeds(Perturbation.fullRank(), 0.1f, 9, 4, 1, 7, 3);
        var batch = new dev.gradlab.data.Batcher(TRAIN, 50, true, 1, false)
                .epoch(0)
                .iterator()
                .next();
        float[] here = new float[5];
        float[] there = new float[5];
        float centerHere = new dev.gradlab.core.population.PopulationEvaluator()
                .evaluate(model, dev.gradlab.core.Objective.crossEntropy(), batch, population, here);
        float centerThere =
                cluster.evaluate(model, dev.gradlab.core.Objective.crossEntropy(), batch, population, there);
        assertBitsEqual(here, there);
        assertBitsEqual(new float[] {centerHere}, new float[] {centerThere});
        assertEquals(List.of(), heard.localRounds);
        assertEquals(List.of(), events);
        assertEquals(3, cluster.workers());
    }

    @Test
    void theReferenceConvnetTrainsOnTheClusterAsItDoesHere() throws IOException {
        cluster("convnet", 3);
        int rows = 60;
        Dataset small = new Dataset(
                Arrays.copyOf(TRAIN.images(), rows * TRAIN.features()),
                Arrays.copyOf(TRAIN.labels(), rows),
                TRAIN.features(),
                TRAIN.classes());
        Function<String, Dataset> data = spec -> spec.equals("first-60") ? small : DATA.apply(spec);
        worker(data, Identity.local());
        worker(data, Identity.local());
        Recorder heard = new Recorder();
        ClusterEvaluator cluster = ClusterEvaluator.builder()
                .settings(settings())
                .referenceConvnet()
                .data("first-60", small)
                .listener(heard)
                .build();
        open.add(0, cluster);
        float[][] runs = new float[2][];
        for (int i = 0; i < 2; i++) {
            Sequential model = Convnets.reference(4);
            EvolutionStrategies.Builder es = EvolutionStrategies.builder()
                    .population(3)
                    .sigma(0.05f)
                    .antithetic(true)
                    .perturbation(Perturbation.lowRank(1))
                    .seed(8);
            if (i == 1) {
                es.evaluator(cluster);
            }
            Trainer.builder()
                    .model(model)
                    .estimator(es.build())
                    .optimizer(new Adam(model.parameters(), 0.01f))
                    .train(small)
                    .epochs(1)
                    .batchSize(30)
                    .seed(2)
                    .build()
                    .run();
            runs[i] = Parameters.flatten(model.parameters());
        }
        assertBitsEqual(runs[0], runs[1]);
        assertEquals(2, heard.distinctWorkers().size(), "workers used: " + heard.workers);
    }

    @Test
    void gaOnTheClusterEqualsTheLocalRun() throws IOException {
        cluster("ga", 3);
        worker(DATA, Identity.local());
        worker(DATA, Identity.local());
        Recorder heard = new Recorder();
        ClusterEvaluator cluster = trainer(heard);
        float[][] runs = new float[2][];
        for (int i = 0; i < 2; i++) {
            GeneticAlgorithm.Builder ga = GeneticAlgorithm.builder()
                    .architecture(NETWORK)
                    .initialSeed(2)
                    .seed(2)
                    .population(24)
                    .parents(4)
                    .elites(2)
                    .train(TRAIN)
                    .epochs(1)
                    .batchSize(250);
            if (i == 1) {
                ga.evaluator(cluster);
            }
            runs[i] = Parameters.flatten(ga.build().run().model().parameters());
        }
        assertBitsEqual(runs[0], runs[1]);
        assertEquals(2, heard.distinctWorkers().size(), "workers used: " + heard.workers);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWorkerKilledOrLeavingInTheMiddleOfAStepChangesNothing(boolean killed) throws IOException {
        cluster(killed ? "killed" : "left", 4);
        List<ClusterWorker> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(worker(DATA, Identity.local()));
        }
        Recorder heard = new Recorder() {
            @Override
            void range(String worker, long round) {
                // The first range of round 3 back: its worker holds another range, unfinished; it goes now.
                if (round == 3 && rounds.indexOf(3L) == rounds.size() - 1) {
                    ClusterWorker w = members.stream()
                            .filter(x -> x.address().equals(worker))
                            .findFirst()
                            .orElseThrow();
                    if (killed) {
                        w.kill();
                    } else {
                        w.close();
                    }
                }
            }
        };
        ClusterEvaluator cluster = trainer(heard);
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        if (killed) {
            // A worker that leaves gracefully may finish what it holds first; a killed one cannot.
            assertFalse(heard.resubmitted.isEmpty(), "the killed worker's unfinished range was sent again");
        }
        assertTrue(heard.resubmitted.stream().allMatch(s -> s.contains("round 3 ")), heard.resubmitted.toString());
        assertEquals(3, (int) heard.sizes.get(0));
        assertEquals(
                2,
                (int) heard.sizes.get(heard.sizes.size() - 1),
                "later rounds use the 2 workers left: " + heard.sizes);
    }

    @Test
    void withNoWorkerLeftTheTrainerEvaluatesHereAndSaysSo() throws IOException {
        cluster("alone", 2);
        ClusterWorker only = worker(DATA, Identity.local());
        Recorder heard = new Recorder() {
            @Override
            void range(String worker, long round) {
                if (round == 2) {
                    only.kill();
                }
            }
        };
        ClusterEvaluator cluster = trainer(heard);
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertEquals(2L, heard.localRounds.get(0), "the rest of round 2 is evaluated here");
        assertTrue(heard.reasons.get(0).startsWith("no worker left in cluster '" + name + "'"), heard.reasons.get(0));
        assertEquals(0, cluster.workers());
    }

    @Test
    void aWorkerThatJoinsTakesWorkFromALaterRound() throws IOException {
        cluster("joined", 3);
        worker(DATA, Identity.local());
        List<ClusterWorker> late = new ArrayList<>();
        Recorder heard = new Recorder() {
            @Override
            void range(String worker, long round) {
                if (round == 2 && late.isEmpty()) {
                    late.add(worker(DATA, Identity.local()));
                }
            }
        };
        ClusterEvaluator cluster = trainer(heard);
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        int first = heard.workers.indexOf(late.get(0).address());
        assertTrue(first >= 0, "the worker that joined in round 2 took part later");
        assertTrue(heard.rounds.get(first) > 2, "it started in round " + heard.rounds.get(first));
        assertEquals(2, cluster.workers());
    }

    @Test
    void aWorkerThatDroppedTheJobForAnotherTrainerIsGreetedAgain() throws IOException {
        cluster("dropped", 3);
        ClusterWorker only = worker(DATA, Identity.local(), 1);
        ClusterEvaluator other = trainer(new Recorder());
        Recorder heard = new Recorder() {
            @Override
            void roundDone(long round) {
                if (round == 2) {
                    // Another trainer's job takes the worker's only place.
                    Sequential model = NETWORK.build(1);
                    var batch = new dev.gradlab.data.Batcher(TRAIN, 10, false, 0, false)
                            .epoch(0)
                            .iterator()
                            .next();
                    other.evaluate(
                            model,
                            dev.gradlab.core.Objective.crossEntropy(),
                            batch,
                            dev.gradlab.core.population.Population.ofSeeds(Perturbation.lowRank(1), 0.1f, 1, 2),
                            new float[2]);
                }
            }
        };
        ClusterEvaluator cluster = trainer(heard);
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertEquals(List.of(3L), heard.localRounds.stream().distinct().toList(), "round 3 finished here");
        assertTrue(
                heard.rounds.stream().anyMatch(r -> r > 3),
                "the worker, greeted again, took part after round 3: " + heard.rounds);
        assertEquals(1, cluster.workers());
        assertEquals(3, only.clusterSize());
    }

    @Test
    void workersWithOtherCodeOrDataAreRefusedAndNeverUsed() throws IOException {
        cluster("refused", 4);
        Identity here = Identity.local();
        ClusterWorker good = worker(DATA, here);
        ClusterWorker otherVersion = worker(DATA, new Identity("0.0.1", here.code(), here.kernels()));
        float[] images = TRAIN.images().clone();
        images[5] += 1f;
        Dataset changed = new Dataset(images, TRAIN.labels(), TRAIN.features(), TRAIN.classes());
        ClusterWorker otherData = worker(spec -> changed, here);
        Recorder heard = new Recorder();
        ClusterEvaluator cluster = trainer(heard);
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertEquals(2, heard.refusals.size(), heard.refusals.toString());
        String version = heard.refusals.stream()
                .filter(s -> s.startsWith(otherVersion.address()))
                .findFirst()
                .orElseThrow();
        assertTrue(version.contains("library version 0.0.1 differs from the trainer's " + here.version()), version);
        String data = heard.refusals.stream()
                .filter(s -> s.startsWith(otherData.address()))
                .findFirst()
                .orElseThrow();
        assertTrue(data.contains("data digest") && data.contains("data spec 'subset'"), data);
        assertEquals(List.of(good.address()), heard.distinctWorkers());
        assertEquals(2, events.size(), "each refused worker says so too: " + events);
    }
}

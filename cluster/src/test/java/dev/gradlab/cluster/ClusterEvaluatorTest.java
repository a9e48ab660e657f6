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
        name = "gradlab-test-" + test + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        ports = freePorts(members);
        nextPort = 0;
    }

    private ClusterSettings settings() {
        ClusterSettings.Builder b = ClusterSettings.builder().name(name)
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
        ClusterWorker w = ClusterWorker.start(settings(), data, new ClusterWorker.Listener() {
            @Override
            public void onRefused(String job, String reason) {
                events.add("worker refused: " + reason);
            }
        }, identity, jobsKept);
        open.add(w::kill);
        return w;
    }

    private ClusterEvaluator trainer(ClusterEvaluator.Listener listener) {
        ClusterEvaluator e = ClusterEvaluator.builder().settings(settings()).architecture(NETWORK)
                .data("subset", TRAIN).listener(listener).build();
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
        EvolutionStrategies.Builder es = EvolutionStrategies.builder().population(12).sigma(0.05f).antithetic(true)
                .perturbation(perturbation).seed(3);
        if (evaluator != null) {
            es.evaluator(evaluator);
        }
        Trainer.builder().model(model).estimator(es.build()).optimizer(new Adam(model.parameters(), 0.01f))
                .train(TRAIN).epochs(2).batchSize(200).shuffle(true).seed(11).build().run();
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

    @Test
    void esOnThreeWorkersEqualsTheLocalRunBitForBit() throws IOException {
        cluster("equal", 4);
        for (int i = 0; i < 3; i++) {
            worker(DATA, Identity.local());
        }
        List<String> used = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            @Override
            public void onRange(String worker, long round, int from, int to) {
                used.add(worker);
            }

            @Override
            public void onLocal(long round, int from, int to, String reason) {
                events.add("local " + reason);
            }
        });
        for (Perturbation p : List.of(Perturbation.lowRank(1), Perturbation.fullRank())) {
            assertBitsEqual(trainEs(null, p), trainEs(cluster, p));
        }
        assertEquals(3, used.stream().distinct().count(), "workers used: " + used);
        // The losses themselves, member by member, for a population that is not evolution strategies'.
        Sequential model = NETWORK.build(5);
        var population = dev.gradlab.core.population.Population.ofSeeds(Perturbation.fullRank(), 0.1f, 9, 4, 1, 7, 3);
        var batch = new dev.gradlab.data.Batcher(TRAIN, 50, true, 1, false).epoch(0).iterator().next();
        float[] here = new float[5];
        float[] there = new float[5];
        float centerHere = new dev.gradlab.core.population.PopulationEvaluator().evaluate(model,
                dev.gradlab.core.Objective.crossEntropy(), batch, population, here);
        float centerThere = cluster.evaluate(model, dev.gradlab.core.Objective.crossEntropy(), batch, population, there);
        assertBitsEqual(here, there);
        assertBitsEqual(new float[] {centerHere}, new float[] {centerThere});
        assertEquals(List.of(), events);
        assertEquals(3, cluster.workers());
    }

    @Test
    void theReferenceConvnetTrainsOnTheClusterAsItDoesHere() throws IOException {
        cluster("convnet", 3);
        int rows = 60;
        Dataset small = new Dataset(Arrays.copyOf(TRAIN.images(), rows * TRAIN.features()),
                Arrays.copyOf(TRAIN.labels(), rows), TRAIN.features(), TRAIN.classes());
        Function<String, Dataset> data = spec -> spec.equals("first-60") ? small : DATA.apply(spec);
        worker(data, Identity.local());
        worker(data, Identity.local());
        List<String> used = new ArrayList<>();
        ClusterEvaluator cluster = ClusterEvaluator.builder().settings(settings()).referenceConvnet()
                .data("first-60", small).listener(new ClusterEvaluator.Listener() {
                    @Override
                    public void onRange(String worker, long round, int from, int to) {
                        used.add(worker);
                    }
                }).build();
        open.add(0, cluster);
        float[][] runs = new float[2][];
        for (int i = 0; i < 2; i++) {
            Sequential model = Convnets.reference(4);
            EvolutionStrategies.Builder es = EvolutionStrategies.builder().population(3).sigma(0.05f).antithetic(true)
                    .perturbation(Perturbation.lowRank(1)).seed(8);
            if (i == 1) {
                es.evaluator(cluster);
            }
            Trainer.builder().model(model).estimator(es.build()).optimizer(new Adam(model.parameters(), 0.01f))
                    .train(small).epochs(1).batchSize(30).seed(2).build().run();
            runs[i] = Parameters.flatten(model.parameters());
        }
        assertBitsEqual(runs[0], runs[1]);
        assertEquals(2, used.stream().distinct().count(), "workers used: " + used);
    }

    @Test
    void gaOnTheClusterEqualsTheLocalRun() throws IOException {
        cluster("ga", 3);
        worker(DATA, Identity.local());
        worker(DATA, Identity.local());
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
        });
        float[][] runs = new float[2][];
        for (int i = 0; i < 2; i++) {
            GeneticAlgorithm.Builder ga = GeneticAlgorithm.builder().architecture(NETWORK).initialSeed(2).seed(2)
                    .population(24).parents(4).elites(2).train(TRAIN).epochs(1).batchSize(250);
            if (i == 1) {
                ga.evaluator(cluster);
            }
            runs[i] = Parameters.flatten(ga.build().run().model().parameters());
        }
        assertBitsEqual(runs[0], runs[1]);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWorkerKilledOrLeavingInTheMiddleOfAStepChangesNothing(boolean killed) throws IOException {
        cluster(killed ? "killed" : "left", 4);
        List<ClusterWorker> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(worker(DATA, Identity.local()));
        }
        List<String> resubmitted = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            private boolean done;

            @Override
            public void onRange(String worker, long round, int from, int to) {
                // The first range of round 3 back: its worker holds another range, unfinished; it dies now.
                if (round == 3 && !done) {
                    done = true;
                    ClusterWorker w = workers.stream().filter(x -> x.address().equals(worker)).findFirst().orElseThrow();
                    if (killed) {
                        w.kill();
                    } else {
                        w.close();
                    }
                }
            }

            @Override
            public void onResubmitted(String worker, long round, int from, int to, String cause) {
                resubmitted.add(worker + " round " + round + " [" + from + ", " + to + ")");
            }

            @Override
            public void onRound(long round, int workers) {
                sizes.add(workers);
            }
        });
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        if (killed) {
            // A worker that leaves gracefully may finish what it holds first; a killed one cannot.
            assertFalse(resubmitted.isEmpty(), "the killed worker's unfinished range was sent again");
        }
        assertTrue(resubmitted.stream().allMatch(s -> s.contains("round 3 ")), resubmitted.toString());
        assertEquals(3, (int) sizes.get(0));
        assertEquals(2, (int) sizes.get(sizes.size() - 1), "rounds after the kill use the 2 workers left: " + sizes);
    }

    @Test
    void withNoWorkerLeftTheTrainerEvaluatesHereAndSaysSo() throws IOException {
        cluster("alone", 2);
        ClusterWorker only = worker(DATA, Identity.local());
        List<Long> localRounds = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            @Override
            public void onRange(String worker, long round, int from, int to) {
                if (round == 2) {
                    only.kill();
                }
            }

            @Override
            public void onLocal(long round, int from, int to, String reason) {
                localRounds.add(round);
                reasons.add(reason);
            }
        });
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertEquals(2L, localRounds.get(0), "the rest of round 2 is evaluated here");
        assertTrue(reasons.get(0).startsWith("no worker left in cluster '" + name + "'"), reasons.get(0));
        assertEquals(0, cluster.workers());
    }

    @Test
    void aWorkerThatJoinsTakesWorkFromALaterRound() throws IOException {
        cluster("joined", 3);
        worker(DATA, Identity.local());
        List<ClusterWorker> late = new ArrayList<>();
        List<Long> lateRounds = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            @Override
            public void onRange(String worker, long round, int from, int to) {
                if (round == 2 && late.isEmpty()) {
                    late.add(worker(DATA, Identity.local()));
                }
                if (!late.isEmpty() && worker.equals(late.get(0).address())) {
                    lateRounds.add(round);
                }
            }
        });
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertFalse(lateRounds.isEmpty(), "the worker that joined in round 2 took part later");
        assertTrue(lateRounds.get(0) > 2, "it started in round " + lateRounds.get(0));
        assertEquals(2, cluster.workers());
    }

    @Test
    void aWorkerThatDroppedTheJobForAnotherTrainerIsGreetedAgain() throws IOException {
        cluster("dropped", 3);
        ClusterWorker only = worker(DATA, Identity.local(), 1);
        ClusterEvaluator other = trainer(new ClusterEvaluator.Listener() {
        });
        List<Long> rounds = new ArrayList<>();
        List<Long> localRounds = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            @Override
            public void onRange(String worker, long round, int from, int to) {
                rounds.add(round);
            }

            @Override
            public void onLocal(long round, int from, int to, String reason) {
                localRounds.add(round);
            }

            @Override
            public void onRound(long round, int workers) {
                if (round == 2) {
                    // Another trainer's job takes the worker's only place.
                    Sequential model = NETWORK.build(1);
                    var batch = new dev.gradlab.data.Batcher(TRAIN, 10, false, 0, false).epoch(0).iterator().next();
                    other.evaluate(model, dev.gradlab.core.Objective.crossEntropy(), batch,
                            dev.gradlab.core.population.Population.ofSeeds(Perturbation.lowRank(1), 0.1f, 1, 2),
                            new float[2]);
                }
            }
        });
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        assertEquals(List.of(3L), localRounds.stream().distinct().toList(), "round 3 finished here");
        assertTrue(rounds.stream().anyMatch(r -> r > 3), "the worker, greeted again, took part after round 3: "
                + rounds);
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
        List<String> refusals = new ArrayList<>();
        List<String> used = new ArrayList<>();
        ClusterEvaluator cluster = trainer(new ClusterEvaluator.Listener() {
            @Override
            public void onRefused(String worker, String reason) {
                refusals.add(worker + ": " + reason);
            }

            @Override
            public void onRange(String worker, long round, int from, int to) {
                used.add(worker);
            }
        });
        assertBitsEqual(trainEs(null, Perturbation.lowRank(1)), trainEs(cluster, Perturbation.lowRank(1)));
        Collections.sort(refusals);
        assertEquals(2, refusals.size(), refusals.toString());
        String version = refusals.stream().filter(s -> s.startsWith(otherVersion.address())).findFirst().orElseThrow();
        assertTrue(version.contains("library version 0.0.1 differs from the trainer's " + here.version()), version);
        String data = refusals.stream().filter(s -> s.startsWith(otherData.address())).findFirst().orElseThrow();
        assertTrue(data.contains("data digest") && data.contains("data spec 'subset'"), data);
        assertEquals(List.of(good.address()), used.stream().distinct().toList());
        assertEquals(2, events.size(), "each refused worker says so too: " + events);
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.cluster.ClusterSettings;
import dev.gradlab.cluster.ClusterWorker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradlab worker} and {@code gradlab train --cluster}. */
@Timeout(60)
class ClusterCommandTest {

    @TempDir
    Path dir;

    @Test
    void aWorkerNeedsAClusterName() {
        Run r = Run.of("worker", "--members", "127.0.0.1:5701");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--cluster"), r.err());
    }

    @Test
    void onlyPopulationMethodsTrainOnACluster() {
        Run r = Run.of(
                "train",
                "--method",
                "backprop",
                "--cluster",
                "x",
                "--epochs",
                "1",
                "--out",
                dir.resolve("run").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("option '--cluster' applies to --method es or ga, got --method backprop"), r.err());
    }

    @Test
    void esTrainsOnAWorkerAsItDoesHereAndSaysHowManyTookPart() throws IOException {
        List<Integer> ports = freePorts(2);
        String name = "gradlab-cli-test-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String members = "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
        List<String> accepted = new ArrayList<>();
        try (ClusterWorker worker = ClusterWorker.start(
                ClusterSettings.builder()
                        .name(name)
                        .members(List.of(members.split(",")))
                        .port(ports.get(0), false)
                        .build(),
                WorkerCommand::load,
                new ClusterWorker.Listener() {
                    @Override
                    public void onAccepted(String job, String network, String dataSpec) {
                        accepted.add(network + " " + dataSpec);
                    }
                })) {
            String[] common = {
                "train", "--method", "es", "--epochs", "2", "--population", "6", "--hidden", "8", "--threads", "1"
            };
            Run cluster = Run.of(concat(
                    common,
                    "--out",
                    dir.resolve("cluster").toString(),
                    "--cluster",
                    name,
                    "--members",
                    members,
                    "--port",
                    Integer.toString(ports.get(1))));
            assertEquals(0, cluster.exitCode(), cluster.err());
            assertTrue(cluster.out().contains("cluster: 1 worker took part in epoch 1\n"), cluster.out());
            assertTrue(cluster.out().contains("cluster: 1 worker took part in epoch 2\n"), cluster.out());
            assertEquals(
                    List.of("Sequential(Linear(784, 8, bias=false), Sigmoid(), Linear(8, 10, bias=false)) subset"),
                    accepted);
            Run here = Run.of(concat(common, "--out", dir.resolve("here").toString()));
            assertEquals(0, here.exitCode(), here.err());
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("here/model.safetensors")),
                    Files.readAllBytes(dir.resolve("cluster/model.safetensors")));

            // A cluster run's checkpoint resumes on the cluster (its command line is in the checkpoint).
            Run third = Run.of("train", "--resume", dir.resolve("cluster").toString(), "--epochs", "3");
            assertEquals(0, third.exitCode(), third.err());
            assertTrue(third.out().contains("cluster: 1 worker took part in epoch 3\n"), third.out());
            Run hereThree = Run.of(
                    "train",
                    "--method",
                    "es",
                    "--epochs",
                    "3",
                    "--population",
                    "6",
                    "--hidden",
                    "8",
                    "--threads",
                    "1",
                    "--out",
                    dir.resolve("here3").toString());
            assertEquals(0, hereThree.exitCode(), hereThree.err());
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("here3/model.safetensors")),
                    Files.readAllBytes(dir.resolve("cluster/model.safetensors")));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
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
}

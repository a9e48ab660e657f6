package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers that stall or trickle, on loopback: a download gives up at its limits and leaves nothing behind. */
class DownloadLimitsTest {

    private static final String NAME = "train-images-idx3-ubyte";

    @TempDir
    Path temp;

    private Path home;
    private byte[] gz;
    private DatasetFiles spec;
    private LoopbackServer server;

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(temp.resolve("home"));
        byte[] raw = IdxBytes.images(new Random(3), 3);
        gz = IdxBytes.gzip(raw);
        DatasetFiles.DataFile f = new DatasetFiles.DataFile(NAME, IdxBytes.sha256(raw));
        spec = new DatasetFiles("Tiny", "tiny", URI.create("http://192.0.2.1/unused/"), null, f, f, f, f);
        server = new LoopbackServer();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private DataLocator locator(Duration readTimeout, Duration deadline) {
        return DataLocator.defaults()
                .withHome(home)
                .withEnvironment(Map.of())
                .withBaseUri(server.base())
                .withDownloadLimits(readTimeout, deadline);
    }

    private List<String> cacheListing() throws IOException {
        Path cache = home.resolve(".cache/gradlab/tiny");
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aBodyThatStallsFailsAtTheReadTimeout() throws IOException {
        server.serveStalling(NAME + ".gz", gz);
        DataLocator locator = locator(Duration.ofMillis(500), Duration.ofMinutes(10));
        DatasetException e = assertThrows(DatasetException.class, () -> locator.locate(spec, null, true));
        assertEquals(
                server.base() + NAME + ".gz: transfer stalled after 1000 of " + gz.length
                        + " bytes: no data for the read timeout of 0.5 s",
                e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void aBodyThatTricklesFailsAtTheDeadline() throws IOException {
        server.serveTrickle(NAME + ".gz", gz);
        DataLocator locator = locator(Duration.ofSeconds(30), Duration.ofSeconds(1));
        DatasetException e = assertThrows(DatasetException.class, () -> locator.locate(spec, null, true));
        assertTrue(
                e.getMessage()
                        .startsWith(server.base() + NAME + ".gz: transfer too slow: expected the whole file within 1 s,"
                                + " actual "),
                e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void downloadLimitsMustBePositive() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DataLocator.defaults().withDownloadLimits(Duration.ZERO, Duration.ofSeconds(1)));
        assertEquals("download limits must be positive durations, got PT0S", e.getMessage());
    }

    @Test
    void aJvmStoppedMidTransferLeavesNothingBehind() throws Exception {
        server.serveStalling(NAME + ".gz", gz);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DownloadProcess.class.getName(),
                        home.toString(),
                        server.base().toString())
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("child.log").toFile())
                .start();
        try {
            assertTrue(server.stalled.await(60, TimeUnit.SECONDS), "the child never started its download");
            Path cache = home.resolve(".cache/gradlab/mnist");
            try (Stream<Path> s = Files.list(cache)) {
                assertTrue(
                        s.anyMatch(p -> p.getFileName().toString().endsWith(".part")),
                        "a temporary file during the transfer");
            }
            child.destroy(); // SIGTERM, which runs the shutdown hooks as Ctrl-C's SIGINT does
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            try (Stream<Path> s = Files.list(cache)) {
                assertEquals(List.of(), s.toList());
            }
        } finally {
            child.destroyForcibly();
        }
    }
}

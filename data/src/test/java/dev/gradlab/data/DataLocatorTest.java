package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and downloading a small synthetic data set, against an HTTP server on loopback; never the real home. */
class DataLocatorTest {

    private static final String[] NAMES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    @TempDir
    Path temp;

    private Path home;
    private Path system;
    private final byte[][] raw = new byte[4][];
    private DatasetFiles spec;
    private LoopbackServer server;

    @BeforeEach
    void setUp() throws IOException {
        Random random = new Random(11);
        raw[0] = IdxBytes.images(random, 4);
        raw[1] = IdxBytes.labels(random, 4);
        raw[2] = IdxBytes.images(random, 2);
        raw[3] = IdxBytes.labels(random, 2);
        home = Files.createDirectories(temp.resolve("home"));
        system = temp.resolve("usr-share");
        spec = new DatasetFiles(
                "Tiny",
                "tiny",
                URI.create("http://192.0.2.1/unused/"),
                system,
                new DatasetFiles.DataFile(NAMES[0], IdxBytes.sha256(raw[0])),
                new DatasetFiles.DataFile(NAMES[1], IdxBytes.sha256(raw[1])),
                new DatasetFiles.DataFile(NAMES[2], IdxBytes.sha256(raw[2])),
                new DatasetFiles.DataFile(NAMES[3], IdxBytes.sha256(raw[3])));
        server = new LoopbackServer();
        for (int i = 0; i < 4; i++) {
            server.serve(NAMES[i] + ".gz", IdxBytes.gzip(raw[i]));
        }
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private DataLocator locator(Map<String, String> env) {
        return DataLocator.defaults().withHome(home).withEnvironment(env).withBaseUri(server.base());
    }

    private Path cache() {
        return home.resolve(".cache/gradlab/tiny");
    }

    private void install(Path dir, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < 4; i++) {
            Files.write(dir.resolve(gzip ? NAMES[i] + ".gz" : NAMES[i]), gzip ? IdxBytes.gzip(raw[i]) : raw[i]);
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertLoadsTheOriginal(Path dir) {
        DataSplit split = MnistFormat.load(dir, spec, true);
        assertEquals(4, split.train().size());
        assertEquals(2, split.test().size());
        assertEquals(raw[1][8], split.train().labels()[0]);
        assertEquals((raw[0][16] & 0xFF) / 255f, split.train().images()[0]);
    }

    @Test
    void downloadsIntoTheCacheVerifiesAndKeepsNothingElse() throws IOException {
        Path found = locator(Map.of()).locate(spec, null, true);
        assertEquals(cache(), found);
        assertEquals(Arrays.stream(NAMES).map(n -> n + ".gz").sorted().toList(), listing(found));
        assertLoadsTheOriginal(found);
        assertEquals(4, server.requests.get());
        assertEquals(found, locator(Map.of()).locate(spec, null, true));
        assertEquals(4, server.requests.get(), "a complete cache is not downloaded again");
    }

    @Test
    void downloadsIntoGradlabDataWhenItIsSet() {
        Path root = temp.resolve("data-root");
        Path found = locator(Map.of("GRADLAB_DATA", root.toString())).locate(spec, null, true);
        assertEquals(root.resolve("tiny"), found);
        assertLoadsTheOriginal(found);
        assertFalse(Files.exists(cache()));
    }

    @Test
    void downloadsOnlyTheMissingFilesIntoAnExplicitDirectory() throws IOException {
        Path dir = temp.resolve("explicit");
        install(dir, false);
        Files.delete(dir.resolve(NAMES[3]));
        assertEquals(dir, locator(Map.of()).locate(spec, dir, true));
        assertEquals(1, server.requests.get());
        assertTrue(Files.exists(dir.resolve(NAMES[3] + ".gz")));
        assertLoadsTheOriginal(dir);
    }

    @Test
    void searchesExplicitThenEnvironmentThenCacheThenSystem() throws IOException {
        Path explicit = temp.resolve("explicit");
        Path root = temp.resolve("data-root");
        DataLocator withEnv = locator(Map.of("GRADLAB_DATA", root.toString()));
        install(system, true);
        assertEquals(system, withEnv.locate(spec, null, false));
        assertEquals(
                cache(),
                locator(Map.of()).withSystemDirectories(false).locate(spec, null, true),
                "system directories can be skipped");
        assertEquals(cache(), withEnv.locate(spec, null, false));
        install(root.resolve("tiny"), false);
        assertEquals(root.resolve("tiny"), withEnv.locate(spec, null, false));
        install(explicit, true);
        assertEquals(explicit, withEnv.locate(spec, explicit, false));
        assertEquals(4, server.requests.get());
    }

    @Test
    void withoutDownloadSaysWhereTheFilesCanGo() {
        Path root = temp.resolve("data-root");
        DatasetException e = assertThrows(
                DatasetException.class,
                () -> locator(Map.of("GRADLAB_DATA", root.toString())).locate(spec, null, false));
        String m = e.getMessage();
        assertTrue(
                m.startsWith("Tiny not found: expected all four files in one of [" + root.resolve("tiny") + ", "
                        + cache() + ", " + system + "]"),
                m);
        assertTrue(
                m.contains(
                        "Put the files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                                + "t10k-labels-idx1-ubyte.gz (gzip or uncompressed) in " + root.resolve("tiny")),
                m);
        assertTrue(m.contains("allow the download from " + server.base()), m);
        assertEquals(0, server.requests.get());
        Path explicit = temp.resolve("nowhere");
        assertTrue(assertThrows(DatasetException.class, () -> locator(Map.of()).locate(spec, explicit, false))
                .getMessage()
                .contains("one of [" + explicit + "]"));
    }

    @Test
    void offlineSaysWhereTheFilesCanGo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DataLocator offline = DataLocator.defaults()
                .withHome(home)
                .withEnvironment(Map.of())
                .withBaseUri(URI.create("http://127.0.0.1:" + closedPort + "/data"));
        DatasetException e = assertThrows(DatasetException.class, () -> offline.locate(spec, null, true));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot download Tiny from http://127.0.0.1:" + closedPort
                                + "/data/train-images-idx3-ubyte.gz"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Put the files train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains(" in " + cache()), e.getMessage());
        assertEquals(List.of(), listing(cache()));
    }

    @Test
    void aCorruptedFileIsRejectedAndLeavesNothingBehind() throws IOException {
        byte[] corrupted = IdxBytes.gzip(raw[0]);
        corrupted[corrupted.length / 2] ^= 0x40;
        server.serve(NAMES[0] + ".gz", corrupted);
        DatasetException e =
                assertThrows(DatasetException.class, () -> locator(Map.of()).locate(spec, null, true));
        String m = e.getMessage();
        assertTrue(
                m.startsWith(server.base() + "train-images-idx3-ubyte.gz: the downloaded file is not a valid IDX file"),
                m);
        assertTrue(
                m.contains("expected the SHA-256 of its IDX content to be "
                        + spec.trainImages().sha256()),
                m);
        assertTrue(m.contains("the downloaded bytes have SHA-256 " + IdxBytes.sha256(corrupted)), m);
        assertEquals(List.of(), listing(cache()));
    }

    @Test
    void aFileWithOtherContentsIsRejectedNamingBothDigests() throws IOException {
        byte[] other = IdxBytes.labels(new Random(99), 4);
        server.serve(NAMES[1] + ".gz", IdxBytes.gzip(other));
        DigestMismatchException e = assertThrows(
                DigestMismatchException.class, () -> locator(Map.of()).locate(spec, null, true));
        assertEquals(
                server.base() + "train-labels-idx1-ubyte.gz: SHA-256 of the IDX content: expected "
                        + spec.trainLabels().sha256() + ", actual " + IdxBytes.sha256(other),
                e.getMessage());
        assertEquals(List.of("train-images-idx3-ubyte.gz"), listing(cache()), "only the verified file before it stays");
    }

    @Test
    void aBrokenTransferLeavesNothingBehind() throws IOException {
        server.serveCut(NAMES[0] + ".gz", IdxBytes.gzip(raw[0]));
        DatasetException e =
                assertThrows(DatasetException.class, () -> locator(Map.of()).locate(spec, null, true));
        String m = e.getMessage();
        assertTrue(m.startsWith(server.base() + "train-images-idx3-ubyte.gz: transfer"), m);
        assertEquals(List.of(), listing(cache()));
    }

    @Test
    void aTruncatedFileIsRejected() throws IOException {
        byte[] gz = IdxBytes.gzip(raw[2]);
        server.serve(NAMES[2] + ".gz", Arrays.copyOf(gz, gz.length - 20));
        DatasetException e =
                assertThrows(DatasetException.class, () -> locator(Map.of()).locate(spec, null, true));
        assertTrue(
                e.getMessage()
                        .startsWith(server.base()
                                + "t10k-images-idx3-ubyte.gz: the downloaded file is not a valid IDX file"),
                e.getMessage());
        assertFalse(listing(cache()).contains("t10k-images-idx3-ubyte.gz"));
        assertTrue(listing(cache()).stream().noneMatch(n -> n.endsWith(".part")));
    }

    @Test
    void aMissingFileIsReportedWithItsStatus() throws IOException {
        LoopbackServer empty = new LoopbackServer();
        try (empty) {
            DataLocator locator = DataLocator.defaults()
                    .withHome(home)
                    .withEnvironment(Map.of())
                    .withBaseUri(empty.base());
            DatasetException e = assertThrows(DatasetException.class, () -> locator.locate(spec, null, true));
            assertEquals(
                    empty.base() + "train-images-idx3-ubyte.gz: HTTP status: expected 200, actual 404", e.getMessage());
        }
        assertEquals(List.of(), listing(cache()));
    }

    @Test
    void brokenFilesFoundLocallyAreAnErrorNotSkipped() throws IOException {
        Path root = temp.resolve("data-root");
        install(root.resolve("tiny"), true);
        Files.write(root.resolve("tiny").resolve(NAMES[1] + ".gz"), IdxBytes.gzip(IdxBytes.labels(new Random(5), 4)));
        Path found = locator(Map.of("GRADLAB_DATA", root.toString())).locate(spec, null, true);
        DigestMismatchException e =
                assertThrows(DigestMismatchException.class, () -> MnistFormat.load(found, spec, true));
        assertTrue(
                e.getMessage().startsWith(root.resolve("tiny").resolve(NAMES[1] + ".gz") + ": SHA-256"),
                e.getMessage());
        assertEquals(0, server.requests.get());
    }
}

package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real Fashion-MNIST files Debian installs ({@code apt-get install dataset-fashion-mnist},
 * which CI does); skipped when they are absent.
 */
class FashionMnistRealDataTest {

    private static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    private static DataSplit full;

    @BeforeAll
    static void loadOnce() {
        if (MnistFormat.complete(DEBIAN, FashionMnist.FILES)) {
            full = FashionMnist.load(DEBIAN);
        }
    }

    private static void assumeInstalled() {
        assumeTrue(
                full != null,
                DEBIAN + " does not hold the Fashion-MNIST files (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void hasSixtyThousandTrainingAndTenThousandTestImages() {
        assumeInstalled();
        assertEquals(60000, full.train().size());
        assertEquals(10000, full.test().size());
        assertEquals(60000 * 784, full.train().images().length);
        assertEquals(784, full.test().features());
        int[] train = new int[10];
        Arrays.stream(full.train().labels()).forEach(c -> train[c]++);
        int[] test = new int[10];
        Arrays.stream(full.test().labels()).forEach(c -> test[c]++);
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, train[c], "training examples of class " + c);
            assertEquals(1000, test[c], "test examples of class " + c);
        }
    }

    @Test
    void theEmbeddedSubsetIsTheFirstThousandOfEach() {
        assumeInstalled();
        DataSplit subset = FashionMnist.subset();
        assertArrayEquals(
                Arrays.copyOf(full.train().images(), 1000 * 784), subset.train().images());
        assertArrayEquals(
                Arrays.copyOf(full.train().labels(), 1000), subset.train().labels());
        assertArrayEquals(
                Arrays.copyOf(full.test().images(), 1000 * 784), subset.test().images());
        assertArrayEquals(
                Arrays.copyOf(full.test().labels(), 1000), subset.test().labels());
    }

    @Test
    void isFoundInTheDebianDirectory(@TempDir Path home) {
        assumeInstalled();
        DataLocator locator = DataLocator.defaults().withHome(home).withEnvironment(Map.of());
        assertEquals(DEBIAN, locator.locate(FashionMnist.FILES, null, false));
    }

    @Test
    void downloadsAndVerifiesTheRealFilesOverLoopback(@TempDir Path home) throws IOException {
        assumeInstalled();
        try (LoopbackServer server = new LoopbackServer()) {
            for (DatasetFiles.DataFile f : FashionMnist.FILES.files()) {
                server.serve(f.name() + ".gz", Files.readAllBytes(DEBIAN.resolve(f.name() + ".gz")));
            }
            DataLocator locator = DataLocator.defaults()
                    .withHome(home)
                    .withEnvironment(Map.of())
                    .withSystemDirectories(false)
                    .withBaseUri(server.base());
            DataSplit downloaded = FashionMnist.locate(null, true, locator);
            assertArrayEquals(full.train().labels(), downloaded.train().labels());
            assertArrayEquals(full.test().images(), downloaded.test().images());
            assertTrue(Files.isRegularFile(home.resolve(".cache/gradlab/fashion-mnist/train-images-idx3-ubyte.gz")));
        }
    }

    @Test
    void mnistRejectsFashionMnistFilesByDigest() {
        assumeInstalled();
        IdxArray labels = IdxReader.read(DEBIAN.resolve("train-labels-idx1-ubyte.gz"));
        DigestMismatchException e = assertThrows(
                DigestMismatchException.class, () -> MnistFormat.verified(labels, Mnist.FILES.trainLabels()));
        assertEquals(Mnist.FILES.trainLabels().sha256(), e.expected());
        assertEquals(FashionMnist.FILES.trainLabels().sha256(), e.actual());
    }
}

package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST's wiring; its real files are not available offline, so these check the paths that fail. */
class MnistTest {

    @Test
    void loadNamesTheMissingFile(@TempDir Path dir) {
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(dir));
        assertEquals(
                dir + ": MNIST file train-images-idx3-ubyte: expected train-images-idx3-ubyte.gz or "
                        + "train-images-idx3-ubyte, actual neither exists",
                e.getMessage());
    }

    @Test
    void isLookedForInTheEnvironmentAndTheCacheOnly(@TempDir Path home) {
        DataLocator locator =
                DataLocator.defaults().withHome(home).withEnvironment(Map.of("GRADLAB_DATA", "/srv/data"));
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.locate(null, false, locator));
        String m = e.getMessage();
        assertTrue(
                m.startsWith("MNIST not found: expected all four files in one of [/srv/data/mnist, "
                        + home.resolve(".cache/gradlab/mnist") + "]"),
                m);
        assertTrue(m.contains("allow the download from https://ossci-datasets.s3.amazonaws.com/mnist/"), m);
        assertFalse(m.contains("apt-get"), m);
    }

    @Test
    void downloadsAreCheckedAgainstMnistsDigests(@TempDir Path home) {
        try (LoopbackServer server = new LoopbackServer()) {
            server.serve("train-images-idx3-ubyte.gz", IdxBytes.gzip(IdxBytes.images(new Random(1), 2)));
            DataLocator locator = DataLocator.defaults()
                    .withHome(home)
                    .withEnvironment(Map.of())
                    .withBaseUri(server.base());
            DigestMismatchException e =
                    assertThrows(DigestMismatchException.class, () -> Mnist.locate(null, true, locator));
            assertEquals(Mnist.FILES.trainImages().sha256(), e.expected());
            assertFalse(Files.exists(home.resolve(".cache/gradlab/mnist/train-images-idx3-ubyte.gz")));
        }
    }
}

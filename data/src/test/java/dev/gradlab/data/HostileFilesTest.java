package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files whose headers claim more than they hold, users' own directories, and where the cache is. */
class HostileFilesTest {

    @TempDir
    Path temp;

    /** A header claiming 2,739,000 images of 28×28 (2.1 GB), followed by {@code data} bytes of incompressible noise. */
    private static byte[] claimingBillions(int data) {
        byte[] noise = IdxBytes.randomBytes(new Random(1), data, 256);
        ByteBuffer b = ByteBuffer.allocate(16 + data);
        b.putInt(0x00000803).putInt(2_739_000).putInt(28).putInt(28).put(noise);
        return b.array();
    }

    @Test
    void aGzipHeaderClaimingGigabytesFailsWhenTheDataRunsOut() throws IOException {
        // 2 MB of gzip may inflate to 2 GB, so the claim is not refused up front; it must not be allocated either.
        Path file = Files.write(temp.resolve("claims.gz"), IdxBytes.gzip(claimingBillions(2 << 20)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertEquals(
                file + ": data at offset 16: expected 2147376000 bytes, actual " + (2 << 20) + " bytes",
                e.getMessage());
    }

    @Test
    void aSmallFileClaimingGigabytesIsRefusedBeforeReading() throws IOException {
        Path file = Files.write(temp.resolve("claims"), claimingBillions(1000));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertEquals(
                file + ": dimensions at offset 4: expected at most 1000 data bytes (all a file of its size can hold),"
                        + " actual 2147376000 for dimensions [2739000, 28, 28]",
                e.getMessage());
    }

    private static void install(Path dir, byte[] trainImages, byte[] trainLabels) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(2);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxBytes.gzip(trainImages));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), trainLabels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxBytes.images(random, 2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxBytes.gzip(IdxBytes.labels(random, 2)));
    }

    @Test
    void aUsersDirectoryIsCheckedForStructureNotDigests() throws IOException {
        Random random = new Random(4);
        Path dir = temp.resolve("mine");
        install(dir, IdxBytes.images(random, 5), IdxBytes.labels(random, 5));
        DataSplit split = IdxDirectory.load(dir);
        assertEquals(5, split.train().size());
        assertEquals(2, split.test().size());
        assertThrows(DigestMismatchException.class, () -> FashionMnist.load(dir), "the named set still checks digests");
    }

    @Test
    void aUsersDirectoryWithTooFewLabelsSaysSo() throws IOException {
        Random random = new Random(4);
        Path dir = temp.resolve("mine");
        install(dir, IdxBytes.images(random, 5), IdxBytes.labels(random, 4));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxDirectory.load(dir));
        assertEquals(
                dir.resolve("train-labels-idx1-ubyte") + ": label count: expected 5 (the image count of "
                        + dir.resolve("train-images-idx3-ubyte.gz") + "), actual 4",
                e.getMessage());
    }

    @Test
    void aUsersDirectoryThatIsNotOneSaysSo() {
        Path missing = temp.resolve("missing");
        DatasetException e = assertThrows(DatasetException.class, () -> IdxDirectory.load(missing));
        assertEquals(
                missing + ": expected a directory holding the four IDX files, actual no such file or directory",
                e.getMessage());
    }

    @Test
    void theCacheFollowsXdgCacheHomeThenHome() {
        Path home = temp.resolve("home");
        DataLocator locator = DataLocator.defaults().withHome(home);
        assertEquals(
                home.resolve(".cache/gradlab/mnist"),
                locator.withEnvironment(Map.of()).cacheDirectory("mnist"));
        Path xdg = temp.resolve("xdg");
        assertEquals(
                xdg.resolve("gradlab/mnist"),
                locator.withEnvironment(Map.of("XDG_CACHE_HOME", xdg.toString()))
                        .cacheDirectory("mnist"));
        assertEquals(
                home.resolve(".cache/gradlab/mnist"),
                locator.withEnvironment(Map.of("XDG_CACHE_HOME", "relative")).cacheDirectory("mnist"),
                "a relative XDG_CACHE_HOME is ignored, as the specification says");
        assertTrue(DataLocator.defaults()
                .withEnvironment(Map.of())
                .cacheDirectory("x")
                .isAbsolute());
    }
}

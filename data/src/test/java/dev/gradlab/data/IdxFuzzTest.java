package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Damaged IDX files, raw and gzip: a truncated or extended file is always rejected with
 * {@link IdxFormatException}; a file with changed bytes either loads exactly the original data (the
 * change was in an ignorable place such as the gzip timestamp) or is rejected by the format checks
 * or the digest check. Never another exception, never partial data, never a hang.
 */
class IdxFuzzTest {

    /** Generous: a read of these few-kilobyte files takes microseconds; this only turns a hang into a failure. */
    private static final Duration HANG = Duration.ofSeconds(30);

    record Original(int[] dims, byte[] data, byte[] raw) {}

    @Provide
    Arbitrary<Original> originals() {
        Arbitrary<int[]> dims = Arbitraries.integers()
                .between(0, 6)
                .array(int[].class)
                .ofMinSize(1)
                .ofMaxSize(3);
        return dims.flatMap(d -> Arbitraries.bytes()
                .array(byte[].class)
                .ofSize(Arrays.stream(d).reduce(1, (a, b) -> a * b))
                .map(data -> new Original(d, data, IdxBytes.idx(d, data))));
    }

    private static byte[] encode(Original o, boolean gzip) {
        return gzip ? IdxBytes.gzip(o.raw()) : o.raw();
    }

    private static IdxArray read(byte[] bytes) {
        return assertTimeoutPreemptively(HANG, () -> IdxReader.read("fuzz.idx", new ByteArrayInputStream(bytes)));
    }

    @Property(tries = 200)
    void truncatedFilesAreRejected(
            @ForAll("originals") Original o,
            @ForAll boolean gzip,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
        byte[] encoded = encode(o, gzip);
        byte[] truncated = Arrays.copyOf(encoded, cut % encoded.length);
        assertThrows(IdxFormatException.class, () -> read(truncated));
    }

    @Property(tries = 200)
    void filesWithTrailingBytesAreRejected(
            @ForAll("originals") Original o, @ForAll boolean gzip, @ForAll @Size(min = 1, max = 16) byte[] extra) {
        byte[] encoded = encode(o, gzip);
        byte[] longer = Arrays.copyOf(encoded, encoded.length + extra.length);
        System.arraycopy(extra, 0, longer, encoded.length, extra.length);
        assertThrows(IdxFormatException.class, () -> read(longer));
    }

    @Property(tries = 400)
    void changedFilesLoadTheOriginalOrAreRejected(
            @ForAll("originals") Original o,
            @ForAll boolean gzip,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] mutated = encode(o, gzip).clone();
        for (int p : positions) {
            mutated[p % mutated.length] ^= (byte) flip;
        }
        DatasetFiles.DataFile pinned = new DatasetFiles.DataFile("fuzz", IdxBytes.sha256(o.raw()));
        IdxArray loaded;
        try {
            loaded = read(mutated);
        } catch (IdxFormatException e) {
            return;
        }
        if (gzip) {
            // The gzip CRC-32 and length catch any change to the data; only header hints can change unnoticed.
            assertArrayEquals(o.data(), loaded.data());
        }
        try {
            MnistFormat.verified(loaded, pinned);
        } catch (DigestMismatchException e) {
            return;
        }
        assertArrayEquals(o.dims(), loaded.dims());
        assertArrayEquals(o.data(), loaded.data());
    }

    @Property(tries = 150)
    void changedDataSetFilesLoadTheOriginalOrAreRejected(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll long seed,
            @ForAll boolean gzip,
            @ForAll boolean damageLabels,
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        Random random = new Random(seed);
        byte[] images = IdxBytes.images(random, n);
        byte[] labels = IdxBytes.labels(random, n);
        byte[] imagesFile = gzip ? IdxBytes.gzip(images) : images;
        byte[] labelsFile = gzip ? IdxBytes.gzip(labels) : labels;
        byte[] damaged = (damageLabels ? labelsFile : imagesFile).clone();
        for (int p : positions) {
            damaged[p % damaged.length] ^= (byte) flip;
        }
        byte[] imagesInput = damageLabels ? imagesFile : damaged;
        byte[] labelsInput = damageLabels ? damaged : labelsFile;
        Dataset loaded;
        try {
            loaded = assertTimeoutPreemptively(
                    HANG,
                    () -> MnistFormat.dataset(
                            MnistFormat.verified(
                                    IdxReader.read("images", new ByteArrayInputStream(imagesInput)),
                                    new DatasetFiles.DataFile("images", IdxBytes.sha256(images))),
                            MnistFormat.verified(
                                    IdxReader.read("labels", new ByteArrayInputStream(labelsInput)),
                                    new DatasetFiles.DataFile("labels", IdxBytes.sha256(labels)))));
        } catch (IdxFormatException | DigestMismatchException e) {
            return;
        }
        Dataset expected = MnistFormat.dataset(
                IdxReader.read("images", new ByteArrayInputStream(images)),
                IdxReader.read("labels", new ByteArrayInputStream(labels)));
        assertArrayEquals(expected.images(), loaded.images());
        assertArrayEquals(expected.labels(), loaded.labels());
    }
}

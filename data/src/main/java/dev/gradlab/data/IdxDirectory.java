package dev.gradlab.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory of one's own MNIST-format files: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
 * each gzip ({@code .gz}) or raw, holding any number of 28×28 images and labels in {@code 0..9}
 * (Fashion-MNIST, MNIST, a subset of either, a set of one's own). Their content is not known in
 * advance, so no digest is checked; the structure is: valid IDX files, 28×28 images, as many labels
 * as images, labels in range. {@link FashionMnist#load} and {@link Mnist#load} check the pinned digests.
 */
public final class IdxDirectory {

    private static final DatasetFiles FILES = new DatasetFiles(
            "MNIST-format data",
            "idx",
            FashionMnist.FILES.publicBaseUri(),
            null,
            unpinned(FashionMnist.FILES.trainImages()),
            unpinned(FashionMnist.FILES.trainLabels()),
            unpinned(FashionMnist.FILES.testImages()),
            unpinned(FashionMnist.FILES.testLabels()));

    private IdxDirectory() {}

    /** Loads the four files in {@code dir}, checking their structure (no digests). */
    public static DataSplit load(Path dir) {
        checkDirectory(dir);
        return MnistFormat.load(dir, FILES, false);
    }

    /** The test files alone of {@link #load}: the training files are not read. */
    public static Dataset loadTest(Path dir) {
        checkDirectory(dir);
        return MnistFormat.loadTest(dir, FILES, false);
    }

    private static void checkDirectory(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": expected a directory holding the four IDX files, actual "
                    + (Files.exists(dir) ? "not a directory" : "no such file or directory"));
        }
    }

    private static DatasetFiles.DataFile unpinned(DatasetFiles.DataFile f) {
        return new DatasetFiles.DataFile(f.name(), "");
    }
}

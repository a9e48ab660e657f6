package dev.gradlab.data;

import java.net.URI;
import java.nio.file.Path;

/**
 * MNIST handwritten digits (LeCun, Cortes and Burges): 28×28 grey images, 60 000 for training and
 * 10 000 for testing, as {@code N × 784} floats in {@code [0, 1]} and labels {@code 0..9}. No
 * distribution package installs it, so it is found in an explicit directory,
 * {@code $GRADLAB_DATA/mnist} or the user cache ({@code $XDG_CACHE_HOME/gradlab/mnist}, default
 * {@code $HOME/.cache/gradlab/mnist}), or downloaded.
 */
public final class Mnist {

    /**
     * Directory name under {@code $GRADLAB_DATA} and the user cache
     * ({@code $XDG_CACHE_HOME/gradlab}, default {@code $HOME/.cache/gradlab}).
     */
    public static final String NAME = "mnist";

    /**
     * SHA-256 of the decompressed files (whose MD5s are the well-known 6bbc9ace…, a25bea73…,
     * 2646ac64…, 27ae3e4e…). Downloads come from the mirror PyTorch's torchvision uses, since the
     * original site no longer serves the files anonymously.
     */
    static final DatasetFiles FILES = new DatasetFiles(
            "MNIST",
            NAME,
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            null,
            new DatasetFiles.DataFile(
                    "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new DatasetFiles.DataFile(
                    "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new DatasetFiles.DataFile(
                    "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new DatasetFiles.DataFile(
                    "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    private Mnist() {}

    /** Loads the full set from {@code dir} (the four files, gzip or raw), each checked against its pinned SHA-256. */
    public static DataSplit load(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        return MnistFormat.load(dir, FILES, true);
    }

    /** Finds (see {@link DataLocator}) and loads the full set, downloading it only if {@code allowDownload}. */
    public static DataSplit locate(Path dirOrNull, boolean allowDownload) {
        return locate(dirOrNull, allowDownload, DataLocator.defaults());
    }

    /** As {@link #locate(Path, boolean)} with a configured locator. */
    public static DataSplit locate(Path dirOrNull, boolean allowDownload, DataLocator locator) {
        return load(locator.locate(FILES, dirOrNull, allowDownload));
    }

    /** The test set alone of {@link #locate(Path, boolean)}: the training files are found, not read. */
    public static Dataset locateTest(Path dirOrNull, boolean allowDownload) {
        return MnistFormat.loadTest(DataLocator.defaults().locate(FILES, dirOrNull, allowDownload), FILES, true);
    }
}

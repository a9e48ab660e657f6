package dev.gradlab.data;

import java.net.URI;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research, 2017; MIT licence): 28×28 grey images
 * of ten kinds of clothing, 60 000 for training and 10 000 for testing. Images are {@code N × 784}
 * floats in {@code [0, 1]} (pixel / 255), labels {@code 0..9}: T-shirt/top, trouser, pullover,
 * dress, coat, sandal, shirt, sneaker, bag, ankle boot.
 */
public final class FashionMnist {

    /**
     * Directory name under {@code $GRADLAB_DATA} and the user cache
     * ({@code $XDG_CACHE_HOME/gradlab}, default {@code $HOME/.cache/gradlab}).
     */
    public static final String NAME = "fashion-mnist";

    /**
     * SHA-256 of the decompressed files. The upstream .gz files are published with their MD5s; Debian's
     * are recompressed (other MD5s) but decompress to the same bytes, whose MD5s are the published
     * uncompressed ones and whose SHA-256s are these.
     */
    static final DatasetFiles FILES = new DatasetFiles(
            "Fashion-MNIST",
            NAME,
            URI.create("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            Path.of("/usr/share/datasets/fashion-mnist"),
            new DatasetFiles.DataFile(
                    "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new DatasetFiles.DataFile(
                    "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new DatasetFiles.DataFile(
                    "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new DatasetFiles.DataFile(
                    "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    /** The embedded first 1000 training and first 1000 test examples; built by data/scripts/fashion_mnist_subset.py. */
    static final DatasetFiles SUBSET = new DatasetFiles(
            "Fashion-MNIST subset",
            NAME + "-subset",
            FILES.publicBaseUri(),
            null,
            new DatasetFiles.DataFile(
                    "train-images-idx3-ubyte", "e40edda7e9d8af05f5b762673ec21bbef87429a0c217d9e7953c711409749e45"),
            new DatasetFiles.DataFile(
                    "train-labels-idx1-ubyte", "78ada934314bea75dcf5d086dfaad6ca75d2ed2801b6e35392fdb406a6338c12"),
            new DatasetFiles.DataFile(
                    "t10k-images-idx3-ubyte", "7a6d8e07ea021ec5bc73135ebd0a5770799557ec6f8242d8749c4f32a3cf4643"),
            new DatasetFiles.DataFile(
                    "t10k-labels-idx1-ubyte", "b40abac7ec8228f434940f579deb7cf7b6e3103b5274cb91d1545771f5ef1c8b"));

    static final String SUBSET_RESOURCES = "dev/gradlab/data/fashion-mnist-subset";

    private FashionMnist() {}

    /**
     * The first 1000 training and first 1000 test examples, shipped inside the library (no files,
     * no network), the split the reference experiment uses. Each call returns fresh arrays.
     */
    public static DataSplit subset() {
        return MnistFormat.loadResources(SUBSET_RESOURCES, SUBSET);
    }

    /** The test set of {@link #subset()} alone. */
    public static Dataset subsetTest() {
        return MnistFormat.loadTestResources(SUBSET_RESOURCES, SUBSET);
    }

    /**
     * Loads the full set from {@code dir}, which holds {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
     * each gzip ({@code .gz}) or raw. Every file is checked against its pinned SHA-256.
     */
    public static DataSplit load(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        return MnistFormat.load(dir, FILES, true);
    }

    /**
     * Finds (see {@link DataLocator}) and loads the full set. A non-null {@code dirOrNull} is the only
     * directory searched and the one downloaded into. Downloads only if {@code allowDownload}.
     */
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

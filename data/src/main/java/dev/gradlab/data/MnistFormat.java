package dev.gradlab.data;

import dev.gradlab.core.io.HeapBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the four IDX files of an MNIST-format data set into a {@link DataSplit}: 28×28 unsigned-byte
 * images scaled to {@code [0, 1]} by {@code / 255} and labels in {@code 0..9}, with every file's
 * digest checked against the pinned one (except for a user's own files, see {@link IdxDirectory}).
 */
final class MnistFormat {

    static final int ROWS = 28;
    static final int COLUMNS = 28;
    static final int FEATURES = ROWS * COLUMNS;
    static final int CLASSES = 10;

    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private MnistFormat() {}

    /** The file holding {@code name} in {@code dir}, gzip ({@code name.gz}) or raw ({@code name}); null if neither exists. */
    static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(name);
        return Files.isRegularFile(raw) ? raw : null;
    }

    /** True if {@code dir} holds all four files (gzip or raw). */
    static boolean complete(Path dir, DatasetFiles spec) {
        return spec.files().stream().allMatch(f -> find(dir, f.name()) != null);
    }

    /**
     * Loads the four files of {@code spec} from {@code dir}, each checked against its pinned digest if
     * {@code verify}.
     */
    static DataSplit load(Path dir, DatasetFiles spec, boolean verify) {
        requireAll(dir, spec, spec.files());
        return new DataSplit(
                dataset(readFile(dir, spec.trainImages(), verify), readFile(dir, spec.trainLabels(), verify)),
                dataset(readFile(dir, spec.testImages(), verify), readFile(dir, spec.testLabels(), verify)));
    }

    /**
     * Loads only the test files of {@code spec} from {@code dir}, for a caller that never trains
     * (evaluating a saved model): the training set's 60,000 images are not read.
     */
    static Dataset loadTest(Path dir, DatasetFiles spec, boolean verify) {
        requireAll(dir, spec, List.of(spec.testImages(), spec.testLabels()));
        return dataset(readFile(dir, spec.testImages(), verify), readFile(dir, spec.testLabels(), verify));
    }

    private static void requireAll(Path dir, DatasetFiles spec, List<DatasetFiles.DataFile> files) {
        for (DatasetFiles.DataFile f : files) {
            if (find(dir, f.name()) == null) {
                throw new DatasetException(dir + ": " + spec.displayName() + " file " + f.name() + ": expected "
                        + f.name() + ".gz or " + f.name() + ", actual neither exists");
            }
        }
    }

    /** Loads the four files from class-path resources under {@code folder}. */
    static DataSplit loadResources(String folder, DatasetFiles spec) {
        return new DataSplit(
                dataset(readResource(folder, spec.trainImages()), readResource(folder, spec.trainLabels())),
                dataset(readResource(folder, spec.testImages()), readResource(folder, spec.testLabels())));
    }

    /** Loads only the test files from class-path resources under {@code folder}. */
    static Dataset loadTestResources(String folder, DatasetFiles spec) {
        return dataset(readResource(folder, spec.testImages()), readResource(folder, spec.testLabels()));
    }

    private static IdxArray readFile(Path dir, DatasetFiles.DataFile f, boolean verify) {
        IdxArray idx = IdxReader.read(find(dir, f.name()));
        return verify ? verified(idx, f) : idx;
    }

    private static IdxArray readResource(String folder, DatasetFiles.DataFile f) {
        String path = folder + "/" + f.name() + ".gz";
        String source = "classpath:" + path;
        try (InputStream in = MnistFormat.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new DatasetException(
                        source + ": expected a resource of the data module, actual none on the class path");
            }
            return verified(IdxReader.read(source, in), f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    static IdxArray verified(IdxArray idx, DatasetFiles.DataFile f) {
        if (!idx.sha256().equals(f.sha256())) {
            throw new DigestMismatchException(idx.source(), f.sha256(), idx.sha256());
        }
        return idx;
    }

    /**
     * Checks that {@code images} is {@code n × 28 × 28}, {@code labels} is {@code n} values in
     * {@code 0..9}, and builds the data set.
     */
    static Dataset dataset(IdxArray images, IdxArray labels) {
        if (images.rank() != 3 || images.dim(1) != ROWS || images.dim(2) != COLUMNS) {
            throw new IdxFormatException(
                    images.source(),
                    "dimensions",
                    "[n, " + ROWS + ", " + COLUMNS + "]",
                    Arrays.toString(images.dims()));
        }
        if (labels.rank() != 1) {
            throw new IdxFormatException(labels.source(), "dimensions", "[n]", Arrays.toString(labels.dims()));
        }
        int n = images.dim(0);
        if (labels.dim(0) != n) {
            throw new IdxFormatException(
                    labels.source(),
                    "label count",
                    n + " (the image count of " + images.source() + ")",
                    Integer.toString(labels.dim(0)));
        }
        byte[] labelBytes = labels.data();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int label = labelBytes[i] & 0xFF;
            if (label >= CLASSES) {
                throw new IdxFormatException(
                        labels.source(),
                        "label " + i + " at offset " + (8 + i),
                        "a class in 0.." + (CLASSES - 1),
                        Integer.toString(label));
            }
            y[i] = label;
        }
        byte[] pixels = images.data();
        HeapBudget.require(4L * pixels.length, images.source() + ": " + n + " images as floats");
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = SCALE[pixels[i] & 0xFF];
        }
        return new Dataset(x, y, FEATURES, CLASSES);
    }
}

package dev.gradlab.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * What identifies one MNIST-format data set: its four IDX files with the SHA-256 digests of their
 * decompressed contents, where it is published, and where a distribution may have installed it.
 * Digests of the contents rather than of the .gz files, because a distribution may recompress the
 * files (Debian's are recompressed) while the data stay the same.
 */
record DatasetFiles(
        String displayName,
        String directoryName,
        URI publicBaseUri,
        Path systemDirectory,
        DataFile trainImages,
        DataFile trainLabels,
        DataFile testImages,
        DataFile testLabels) {

    /** One IDX file: its name without {@code .gz} and the SHA-256 of its decompressed bytes. */
    record DataFile(String name, String sha256) {}

    List<DataFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** The system property that replaces {@link #publicBaseUri()}, e.g. for a local mirror. */
    String baseUriProperty() {
        return "gradlab.data." + directoryName + ".url";
    }
}

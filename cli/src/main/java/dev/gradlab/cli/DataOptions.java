package dev.gradlab.cli;

import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.DatasetException;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.data.IdxDirectory;
import dev.gradlab.data.Mnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The {@code --data} option: the embedded subset, the full Fashion-MNIST (or MNIST) found on this
 * machine, or a directory of one's own MNIST-format IDX files (checked for structure: the pinned digests
 * of the named sets do not apply to them). The full sets are looked for in
 * {@code $GRADLAB_DATA/<set>}, the user cache ({@code $XDG_CACHE_HOME/gradlab/<set>}, default
 * {@code $HOME/.cache/gradlab/<set>}) and the distribution's directory
 * ({@code /usr/share/datasets/fashion-mnist} on Debian), and downloaded only with {@code --download}.
 */
final class DataOptions {

    @Option(
            names = "--data",
            paramLabel = "subset|full|mnist|DIR",
            defaultValue = "subset",
            description = {
                "Data set (default: ${DEFAULT-VALUE}): 'subset' is the embedded first 1000 training and"
                        + " 1000 test Fashion-MNIST images (offline); 'full' is the whole Fashion-MNIST found in"
                        + " $GRADLAB_DATA/fashion-mnist, in gradlab/fashion-mnist under $XDG_CACHE_HOME (default $HOME/.cache)"
                        + " or in /usr/share/datasets/fashion-mnist (or downloaded with --download); 'mnist' likewise for MNIST; DIR is a directory holding"
                        + " four MNIST-format IDX files (gzip or raw), checked for structure, not digests."
            })
    String data;

    @Option(
            names = "--download",
            description = "With --data full or mnist, download (and verify) the data set when it is not found.")
    boolean download;

    /**
     * Loads the chosen split. A directory that does not exist, or whose files do not make a data set,
     * is a failure (exit 1), not a usage error: the command line was well formed.
     */
    DataSplit load() {
        return load(FashionMnist::subset, FashionMnist::locate, Mnist::locate, IdxDirectory::load);
    }

    /** The test set of the chosen split alone, for a command that never trains (the training files are not read). */
    Dataset loadTest() {
        return load(FashionMnist::subsetTest, FashionMnist::locateTest, Mnist::locateTest, IdxDirectory::loadTest);
    }

    private <T> T load(
            Supplier<T> subset,
            BiFunction<Path, Boolean, T> full,
            BiFunction<Path, Boolean, T> mnist,
            Function<Path, T> directory) {
        if (download && !data.equals("full") && !data.equals("mnist")) {
            throw Usage.error("option '--download' applies to --data full or mnist, got --data "
                    + (data.isEmpty() ? "''" : data));
        }
        return switch (data) {
            case "subset" -> subset.get();
            case "full" -> full.apply(null, download);
            case "mnist" -> mnist.apply(null, download);
            default -> {
                Path dir = Path.of(data);
                if (!Files.isDirectory(dir)) {
                    throw new DatasetException(
                            "data directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                                    + " (--data takes subset, full, mnist or a directory)");
                }
                try {
                    yield directory.apply(dir);
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(dir + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** {@code --data}'s value as the checkpoint keeps it: a directory absolute, so that a run resumes from anywhere. */
    static String absolute(String data) {
        return data.equals("subset") || data.equals("full") || data.equals("mnist")
                ? data
                : Path.of(data).toAbsolutePath().normalize().toString();
    }

    /**
     * What the files of a directory of one's own are (name, size and time of each), to tell on resume
     * that they changed; null for the named sets, whose digests are checked.
     */
    String files() throws IOException {
        if (data.equals("subset") || data.equals("full") || data.equals("mnist") || !Files.isDirectory(Path.of(data))) {
            return null;
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(data))) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.add(p.getFileName() + " " + Files.size(p) + " bytes " + Files.getLastModifiedTime(p));
            }
        }
        return String.join(", ", files);
    }

    /** A short description of the split for the run's summary line. */
    static String describe(String name, DataSplit split) {
        boolean named = name.equals("subset") || name.equals("full") || name.equals("mnist");
        return name + " (" + split.train().size() + " training, " + split.test().size() + " test images"
                + (named ? "" : "; structure checked, no digests") + ")";
    }
}

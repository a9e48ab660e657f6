package dev.gradlab.cli;

import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.data.Mnist;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data} option: the embedded subset, the full Fashion-MNIST (or MNIST) found on this
 * machine, or a directory of Fashion-MNIST IDX files. The full sets are looked for in
 * {@code $GRADLAB_DATA/<set>}, {@code ~/.cache/gradlab/<set>} and the distribution's directory
 * ({@code /usr/share/datasets/fashion-mnist} on Debian), and downloaded only with {@code --download}.
 */
final class DataOptions {

    @Option(names = "--data", paramLabel = "subset|full|mnist|DIR", defaultValue = "subset",
            description = {"Data set (default: ${DEFAULT-VALUE}): 'subset' is the embedded first 1000 training and"
                    + " 1000 test Fashion-MNIST images (offline); 'full' is the whole Fashion-MNIST found in"
                    + " $GRADLAB_DATA/fashion-mnist, ~/.cache/gradlab/fashion-mnist or /usr/share/datasets/fashion-mnist"
                    + " (or downloaded with --download); 'mnist' likewise for MNIST; DIR is a directory holding the"
                    + " four Fashion-MNIST IDX files (.gz or raw)."})
    String data;

    @Option(names = "--download",
            description = "With --data full or mnist, download (and verify) the data set when it is not found.")
    boolean download;

    /** Loads the chosen split; a directory that does not exist is a failure (exit 1), not a usage error. */
    DataSplit load() {
        return switch (data) {
            case "subset" -> FashionMnist.subset();
            case "full" -> FashionMnist.locate(null, download);
            case "mnist" -> Mnist.locate(null, download);
            default -> {
                Path dir = Path.of(data);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("data directory " + dir + (Files.exists(dir)
                            ? " is not a directory" : " does not exist") + " (--data takes subset, full, mnist or a directory)");
                }
                yield FashionMnist.load(dir);
            }
        };
    }

    /** A short description of the split for the run's summary line. */
    static String describe(String name, DataSplit split) {
        return name + " (" + split.train().size() + " training, " + split.test().size() + " test images)";
    }
}

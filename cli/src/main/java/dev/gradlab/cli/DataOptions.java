package dev.gradlab.cli;

import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data} option: the embedded subset, the full Fashion-MNIST, or a directory of IDX files. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "subset|full|DIR", defaultValue = "subset",
            description = {"Data set (default: ${DEFAULT-VALUE}): 'subset' is the embedded first 1000 training and"
                    + " 1000 test Fashion-MNIST images (offline); 'full' is the whole Fashion-MNIST found on this"
                    + " machine (or downloaded with --download); DIR is a directory holding the four IDX files."})
    String data;

    @Option(names = "--download", description = "With --data full, download and verify the data set when it is not found.")
    boolean download;

    /** Loads the chosen split; a directory that does not exist is a failure (exit 1), not a usage error. */
    DataSplit load() {
        return switch (data) {
            case "subset" -> FashionMnist.subset();
            case "full" -> FashionMnist.locate(null, download);
            default -> {
                Path dir = Path.of(data);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("data directory " + dir + (Files.exists(dir)
                            ? " is not a directory" : " does not exist") + " (--data takes subset, full or a directory)");
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

package dev.gradlab.cli;

import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.csv}: one row per epoch (counted from 1, as printed), written as each epoch ends (so a run that fails midway keeps
 * what it did). Columns: {@code epoch, train_loss, test_loss, test_accuracy} (a fraction),
 * {@code loss_evaluations} (forward passes of the loss so far, cumulative), {@code elapsed_seconds} and
 * {@code training_seconds} (the part of the elapsed time spent in the training steps, as
 * {@link EpochMetrics#trainingNanos()}). A file written before the last column existed still loads,
 * its training time taken as the elapsed time.
 */
final class MetricsCsv implements TrainingListener, AutoCloseable {

    static final String FILE_NAME = "metrics.csv";
    static final String HEADER =
            "epoch,train_loss,test_loss,test_accuracy,loss_evaluations,elapsed_seconds,training_seconds";

    private final Path file;
    private final BufferedWriter writer;
    private final List<EpochMetrics> rows = new ArrayList<>();

    /**
     * Starts {@code file} afresh, keeping the rows of the first {@code keepEpochs} epochs of the
     * file already there (a resumed run; rows of later epochs, written after the checkpoint, go),
     * rewritten with every column.
     */
    MetricsCsv(Path file, int keepEpochs) throws IOException {
        if (keepEpochs > 0 && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 1; i < Math.min(lines.size(), keepEpochs + 1); i++) {
                rows.add(parse(file, i, lines.get(i)));
            }
        }
        this.file = file;
        writer = Files.newBufferedWriter(file);
        try {
            writer.write(HEADER);
            writer.newLine();
            for (EpochMetrics m : rows) {
                writer.write(row(m));
                writer.newLine();
            }
            writer.flush();
        } catch (IOException e) {
            writer.close();
            throw Output.withPath(file, e);
        }
    }

    /** Row {@code index} (the header is 0) of {@code file}; a damaged one is an error naming the file and line. */
    private static EpochMetrics parse(Path file, int index, String line) {
        String[] f = line.split(",", -1);
        try {
            if (f.length < 6 || f.length > 7 || Integer.parseInt(f[0]) != index) {
                throw new NumberFormatException();
            }
            long elapsed = (long) (Double.parseDouble(f[5]) * 1e9);
            return new EpochMetrics(
                    index - 1,
                    Float.parseFloat(f[1]),
                    Float.parseFloat(f[2]),
                    Float.parseFloat(f[3]),
                    Long.parseLong(f[4]),
                    elapsed,
                    f.length == 7 ? (long) (Double.parseDouble(f[6]) * 1e9) : elapsed);
        } catch (NumberFormatException e) {
            throw new FormatException(file + ": line " + (index + 1) + ": expected epoch " + index + " and six numbers"
                    + " (five in a file written before training_seconds)"
                    + " (" + HEADER + "), got " + Text.quote(line));
        }
    }

    /** A {@code metrics.csv} that this class did not write, or that was damaged since. */
    static final class FormatException extends RuntimeException {
        FormatException(String message) {
            super(message);
        }
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        rows.add(m);
        try {
            writer.write(row(m));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(Output.withPath(file, e));
        }
    }

    private static String row(EpochMetrics m) {
        return Text.format(
                "%d,%.6f,%.6f,%.4f,%d,%.3f,%.3f",
                m.epoch() + 1,
                m.trainLoss(),
                m.testLoss(),
                m.testAccuracy(),
                m.lossEvaluations(),
                m.elapsedNanos() / 1e9,
                m.trainingNanos() / 1e9);
    }

    /** The epochs recorded so far. */
    List<EpochMetrics> rows() {
        return List.copyOf(rows);
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } catch (IOException e) {
            throw Output.withPath(file, e);
        }
    }
}

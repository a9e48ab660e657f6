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
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per epoch (counted from 1, as printed), written as each epoch ends (so a run that fails midway keeps
 * what it did). Columns: {@code epoch, train_loss, test_loss, test_accuracy} (a fraction),
 * {@code loss_evaluations} (forward passes of the loss so far, cumulative) and {@code elapsed_seconds}.
 */
final class MetricsCsv implements TrainingListener, AutoCloseable {

    static final String FILE_NAME = "metrics.csv";
    static final String HEADER = "epoch,train_loss,test_loss,test_accuracy,loss_evaluations,elapsed_seconds";

    private final BufferedWriter writer;
    private final List<EpochMetrics> rows = new ArrayList<>();

    /**
     * Starts {@code file} afresh, keeping the rows of the first {@code keepEpochs} epochs of the
     * file already there (a resumed run; rows of later epochs, written after the checkpoint, go).
     */
    MetricsCsv(Path file, int keepEpochs) throws IOException {
        List<String> kept = new ArrayList<>();
        if (keepEpochs > 0 && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), Math.min(lines.size(), keepEpochs + 1))) {
                rows.add(parse(line));
                kept.add(line);
            }
        }
        writer = Files.newBufferedWriter(file);
        writer.write(HEADER);
        writer.newLine();
        for (String line : kept) {
            writer.write(line);
            writer.newLine();
        }
        writer.flush();
    }

    /** The rows of a {@code metrics.csv} this class wrote. */
    static List<EpochMetrics> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<EpochMetrics> rows = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            rows.add(parse(line));
        }
        return rows;
    }

    private static EpochMetrics parse(String line) {
        String[] f = line.split(",");
        return new EpochMetrics(Integer.parseInt(f[0]) - 1, Float.parseFloat(f[1]), Float.parseFloat(f[2]),
                Float.parseFloat(f[3]), Long.parseLong(f[4]), (long) (Double.parseDouble(f[5]) * 1e9));
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        rows.add(m);
        try {
            writer.write(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.4f,%d,%.3f", m.epoch() + 1, m.trainLoss(), m.testLoss(),
                    m.testAccuracy(), m.lossEvaluations(), m.elapsedNanos() / 1e9));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    /** The epochs recorded so far. */
    List<EpochMetrics> rows() {
        return List.copyOf(rows);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}

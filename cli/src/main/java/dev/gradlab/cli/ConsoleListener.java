package dev.gradlab.cli;

import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.TrainingStep;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a training run shows on the console: optionally a progress bar over all batches (on the error
 * stream), and one line per epoch on the output stream, {@code Epoch k, cost = …, acc = …%}, the
 * reference experiment's format. Batch losses only update the bar, never print a line.
 */
final class ConsoleListener implements TrainingListener, AutoCloseable {

    private final ProgressLine line;
    private final boolean progress;
    private ProgressBar bar;
    private int epochs;

    ConsoleListener(PrintWriter out, PrintWriter err, boolean progress) {
        this.line = new ProgressLine(out, err, ProgressLine.terminalWidth());
        this.progress = progress;
    }

    @Override
    public void onStart(int epochs, int batchesPerEpoch) {
        this.epochs = epochs;
        if (progress) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax((long) epochs * batchesPerEpoch)
                    .setUnit(" batches", 1)
                    .setStyle(unicode() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(100)
                    .setConsumer(line)
                    .clearDisplayOnFinish()
                    .build();
        }
    }

    @Override
    public void onStep(TrainingStep step) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(Text.format("epoch %d/%d loss %.3f", step.epoch() + 1, epochs, step.loss()));
        }
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        line.println(Text.format(
                "Epoch %d, cost = %.4f, acc = %.2f%%", m.epoch() + 1, m.trainLoss(), 100.0 * m.testAccuracy()));
    }

    /** Block characters only where the console's encoding can show them. */
    private static boolean unicode() {
        String encoding = System.getProperty("sun.stderr.encoding", System.getProperty("native.encoding", ""));
        return encoding.toUpperCase(Locale.ROOT).replace("-", "").equals("UTF8");
    }

    /** Prints a line above the bar, if one is shown. */
    void println(String text) {
        line.println(text);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        line.close();
    }
}

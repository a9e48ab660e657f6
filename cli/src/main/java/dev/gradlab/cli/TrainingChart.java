package dev.gradlab.cli;

import dev.gradlab.optim.EpochMetrics;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** {@code training.png}: training and test loss (left axis) and test accuracy (right axis) per epoch. */
final class TrainingChart {

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color TEST = new Color(0xff7f0e);
    private static final Color ACCURACY = new Color(0x2ca02c);

    private TrainingChart() {}

    /** Draws the curves of {@code history}, one entry per epoch. */
    static void write(Path file, String title, List<EpochMetrics> history) throws IOException {
        write(
                file,
                title,
                history.stream().mapToDouble(m -> m.epoch() + 1).toArray(),
                history.stream().mapToDouble(EpochMetrics::trainLoss).toArray(),
                history.stream().mapToDouble(EpochMetrics::testLoss).toArray(),
                history.stream().mapToDouble(EpochMetrics::testAccuracy).toArray());
    }

    /** Draws the curves; all arrays have one entry per epoch, accuracy as a fraction in [0, 1]. */
    static void write(
            Path file, String title, double[] epochs, double[] trainLoss, double[] testLoss, double[] testAccuracy)
            throws IOException {
        XYChart chart = chart(title, epochs, trainLoss, testLoss, testAccuracy);
        Output.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Starts drawing a throwaway chart on a daemon thread, so that Java2D, the fonts and the PNG
     * encoder, which take longer to start than to draw, are ready when a run that is training now
     * draws its own; only with a processor to spare beside the training's {@code threads}, since
     * otherwise the warm-up (its compiled code included) takes longer from the training than it saves.
     */
    static void warmUp(String title, int threads) {
        if (Runtime.getRuntime().availableProcessors() <= threads) {
            return;
        }
        double[] two = {1, 2};
        Thread t = new Thread(
                () -> {
                    try {
                        BitmapEncoder.saveBitmap(
                                chart(title, two, two, two, new double[] {0.5, 0.6}),
                                OutputStream.nullOutputStream(),
                                BitmapEncoder.BitmapFormat.PNG);
                    } catch (IOException | RuntimeException e) {
                        // Only time is at stake: the run's own chart is drawn at its end, and reports its errors.
                    }
                },
                "gradlab-chart-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static XYChart chart(
            String title, double[] epochs, double[] trainLoss, double[] testLoss, double[] testAccuracy) {
        XYChart chart = GradientStatsCharts.chart(900, 540, title, "epoch", "mean cross-entropy");
        chart.setYAxisGroupTitle(1, "test accuracy (%)");
        var style = chart.getStyler();
        style.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        style.putYAxisGroupDecimalPatternMap(0, "0.00");
        style.setXAxisDecimalPattern("0");
        style.setMarkerSize(epochs.length > 40 ? 0 : 5);

        series(chart.addSeries("training loss", epochs, trainLoss), TRAIN, 0);
        series(chart.addSeries("test loss", epochs, testLoss), TEST, 0);
        double[] percent = Arrays.stream(testAccuracy).map(a -> 100 * a).toArray();
        series(chart.addSeries("test accuracy (%)", epochs, percent), ACCURACY, 1)
                .setLineStyle(GradientStatsCharts.DASHED);
        style.putYAxisGroupDecimalPatternMap(1, "0");
        return chart;
    }

    private static XYSeries series(XYSeries s, Color color, int axis) {
        GradientStatsCharts.line(s, color, true).setYAxisGroup(axis);
        return s;
    }
}

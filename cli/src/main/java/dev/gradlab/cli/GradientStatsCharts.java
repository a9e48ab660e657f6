package dev.gradlab.cli;

import dev.gradlab.optim.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of {@code gradlab gradient-stats}: gradient norms per layer over training, the noise of
 * mini-batch and ES gradients, FGSM accuracy against ε, and a strip of adversarial images; the
 * accuracy curves of {@code gradlab compare}; {@code gradlab gradients}'s cosine against N; and the
 * style every gradlab chart shares ({@link TrainingChart} too).
 */
final class GradientStatsCharts {

    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b)
    };

    /** The line of a theory or a secondary axis. */
    static final BasicStroke DASHED =
            new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);

    private GradientStatsCharts() {}

    /** A white chart in the style of every gradlab figure. */
    static XYChart chart(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        var style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotGridLinesColor(new Color(0xe0e0e0));
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    static XYSeries line(XYSeries s, Color color, boolean markers) {
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineWidth(2f);
        return s;
    }

    /** Layer k of n, from dark blue (first layer) to orange (last), so that depth reads as colour. */
    private static Color layerColor(int k, int n) {
        float t = n == 1 ? 0 : (float) k / (n - 1);
        return new Color((int) (20 + t * 230), (int) (40 + t * 120), (int) (160 - t * 140));
    }

    /**
     * One panel per activation, log y: the norm of each layer's weight gradient per training step.
     * Points that are not positive and finite (a gradient that vanished to 0, or diverged) are left out.
     */
    static void vanishing(Path file, String title, double[] steps, Map<String, double[][]> normsByActivation)
            throws IOException {
        List<XYChart> panels = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : normsByActivation.entrySet()) {
            double[][] norms = e.getValue();
            XYChart chart = chart(640, 440, e.getKey() + ": " + title, "training step", "‖∂L/∂W‖ of the layer");
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setYAxisDecimalPattern("0.##E0");
            for (int k = 0; k < norms.length; k++) {
                double[][] xy = positive(steps, norms[k]);
                if (xy[0].length > 0) {
                    line(
                            chart.addSeries("layer " + (k + 1) + (k == norms.length - 1 ? " (out)" : ""), xy[0], xy[1]),
                            layerColor(k, norms.length),
                            false);
                }
            }
            if (chart.getSeriesMap().isEmpty()) {
                chart.setTitle(e.getKey() + ": every gradient is exactly 0 (nothing to draw on a log axis)");
            }
            panels.add(chart);
        }
        save(file, panels, 2, (panels.size() + 1) / 2);
    }

    /** Two panels against the x values (log x): mean cosine to the full gradient, and relative variance (log y). */
    static void noise(Path file, String title, String xTitle, Map<String, double[][]> cosineAndVariance)
            throws IOException {
        XYChart cosine = chart(640, 440, "cosine to the full-data gradient", xTitle, "mean cosine");
        XYChart variance = chart(640, 440, "relative variance E‖ĝ − g‖² / ‖g‖²", xTitle, "relative variance");
        cosine.getStyler().setXAxisLogarithmic(true);
        cosine.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        // ES cosines are orders of magnitude below mini-batch ones: a log axis shows both.
        boolean positive = cosineAndVariance.values().stream()
                .allMatch(v -> Arrays.stream(v[1]).allMatch(c -> c > 0));
        cosine.getStyler().setYAxisLogarithmic(positive);
        cosine.getStyler().setYAxisDecimalPattern(positive ? "0.####" : "0.00");
        variance.getStyler().setXAxisLogarithmic(true);
        variance.getStyler().setYAxisLogarithmic(true);
        variance.getStyler().setYAxisDecimalPattern("0.##E0");
        int c = 0;
        for (Map.Entry<String, double[][]> e : cosineAndVariance.entrySet()) {
            double[][] v = e.getValue();
            Color color = COLORS[c++ % COLORS.length];
            line(cosine.addSeries(e.getKey(), v[0], v[1]), color, true);
            // A variance below 1e-9 is float rounding of an exact 0 (the batch was the whole data set).
            double[][] xy = positive(
                    v[0], Arrays.stream(v[2]).map(r -> r < 1e-9 ? 0 : r).toArray());
            if (xy[0].length > 0) {
                line(variance.addSeries(e.getKey(), xy[0], xy[1]), color, true);
            }
        }
        cosine.setTitle(title + ": " + cosine.getTitle());
        save(file, List.of(cosine, variance), 1, 2);
    }

    /** Test accuracy in % against ε. */
    static void accuracy(Path file, String title, double[] epsilons, double[] accuracy) throws IOException {
        XYChart chart = chart(900, 540, title, "ε (each pixel moved by ε in the sign of ∂L/∂x)", "test accuracy (%)");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        double[] percent = Arrays.stream(accuracy).map(a -> 100 * a).toArray();
        line(chart.addSeries("FGSM", epsilons, percent), COLORS[3], true);
        save(file, List.of(chart), 1, 1);
    }

    /**
     * Rows of images (28 × 28, values in [0, 1]) with a caption under each: the first row the
     * originals, the second their adversarial copies.
     */
    static void images(Path file, String title, float[][] rows, int width, int height, int perRow, String[][] captions)
            throws IOException {
        int scale = 4;
        int cell = width * scale + 24;
        int captionHeight = 34;
        int top = 36;
        BufferedImage image = new BufferedImage(
                perRow * cell + 8,
                top + rows.length * (height * scale + captionHeight + 8),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int r = 0; r < rows.length; r++) {
            int y0 = top + r * (height * scale + captionHeight + 8);
            for (int k = 0; k < perRow; k++) {
                int x0 = 8 + k * cell;
                for (int py = 0; py < height; py++) {
                    for (int px = 0; px < width; px++) {
                        float v = rows[r][(k * height + py) * width + px];
                        int grey = 255 - Math.round(255 * Math.min(1f, Math.max(0f, v)));
                        g.setColor(new Color(grey, grey, grey));
                        g.fillRect(x0 + px * scale, y0 + py * scale, scale, scale);
                    }
                }
                g.setColor(Color.BLACK);
                String[] lines = captions[r][k].split("\n");
                for (int l = 0; l < lines.length; l++) {
                    g.drawString(lines[l], x0, y0 + height * scale + 14 + 14 * l);
                }
            }
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    /** The points whose y is positive and finite, as {x, y}: what a log axis can draw. */
    private static double[][] positive(double[] x, double[] y) {
        int[] kept = IntStream.range(0, y.length)
                .filter(i -> y[i] > 0 && Double.isFinite(y[i]))
                .toArray();
        return new double[][] {
            Arrays.stream(kept).mapToDouble(i -> x[i]).toArray(),
            Arrays.stream(kept).mapToDouble(i -> y[i]).toArray()
        };
    }

    /**
     * {@code gradlab compare}: two panels, test accuracy against training time and against loss
     * evaluations (log x), one line per run; each run is its epochs' metrics.
     */
    static void methods(Path file, String title, Map<String, List<EpochMetrics>> runs) throws IOException {
        XYChart time = chart(640, 440, title, "training time (s)", "test accuracy (%)");
        XYChart evaluations = chart(
                640, 440, "test accuracy against loss evaluations", "loss evaluations (log)", "test accuracy (%)");
        evaluations.getStyler().setXAxisLogarithmic(true);
        evaluations.getStyler().setXAxisDecimalPattern("0.#E0");
        for (XYChart c : List.of(time, evaluations)) {
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        }
        int k = 0;
        for (var run : runs.entrySet()) {
            List<EpochMetrics> rows = run.getValue();
            double[] seconds =
                    rows.stream().mapToDouble(m -> m.elapsedNanos() / 1e9).toArray();
            double[] evals =
                    rows.stream().mapToDouble(EpochMetrics::lossEvaluations).toArray();
            double[] accuracy =
                    rows.stream().mapToDouble(m -> 100.0 * m.testAccuracy()).toArray();
            Color color = COLORS[k++ % COLORS.length];
            line(time.addSeries(run.getKey(), seconds, accuracy), color, false);
            line(evaluations.addSeries(run.getKey(), evals, accuracy), color, false);
        }
        save(file, List.of(time, evaluations), 1, 2);
    }

    /**
     * {@code cosine.png}: the cosine between evolution-strategies estimates and the backprop gradient
     * against the population N (each measured series: name to cosines at {@code populations}), with the
     * theoretical {@code √(N/(N+D))} of an isotropic Gaussian estimate for {@code dimension} parameters.
     * The axes are logarithmic unless some cosine is not positive.
     */
    static void cosine(Path file, String title, long dimension, double[] populations, Map<String, double[]> measured)
            throws IOException {
        XYChart chart =
                chart(900, 540, title, "population N (perturbations per estimate)", "cosine to the backprop gradient");
        var style = chart.getStyler();
        style.setLegendPosition(Styler.LegendPosition.InsideNW);
        style.setXAxisLogarithmic(true);
        style.setMarkerSize(8);
        boolean positive =
                measured.values().stream().flatMapToDouble(Arrays::stream).allMatch(c -> c > 0);
        style.setYAxisLogarithmic(positive);
        style.setYAxisDecimalPattern(positive ? "0.###" : "0.000");
        int points = 64;
        double lo = Math.log(populations[0]);
        double hi = Math.log(populations[populations.length - 1]);
        double[] n = new double[points];
        double[] theory = new double[points];
        for (int i = 0; i < points; i++) {
            n[i] = Math.exp(lo + (hi - lo) * i / (points - 1));
            theory[i] = Math.sqrt(n[i] / (n[i] + dimension));
        }
        line(chart.addSeries("theory √(N/(N+D)), D = " + dimension, n, theory), Color.GRAY, false)
                .setLineStyle(DASHED);
        int k = 0;
        for (Map.Entry<String, double[]> e : measured.entrySet()) {
            line(chart.addSeries(e.getKey(), populations, e.getValue()), COLORS[k++ % COLORS.length], true);
        }
        save(file, List.of(chart), 1, 1);
    }

    private static void save(Path file, List<XYChart> charts, int rows, int cols) throws IOException {
        Output.write(file, out -> BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG));
    }
}

package dev.gradlab.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code cosine.png}: the cosine between evolution-strategies estimates and the backprop gradient
 * against the population N, with the theoretical {@code √(N/(N+D))} of an isotropic Gaussian estimate.
 */
final class CosineChart {

    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x2ca02c),
        new Color(0x8c564b)
    };

    private CosineChart() {}

    /**
     * Draws each measured series (name to cosines at {@code populations}) and the theory for
     * {@code dimension} parameters. The axes are logarithmic unless some cosine is not positive.
     */
    static void write(Path file, String title, long dimension, double[] populations, Map<String, double[]> measured)
            throws IOException {
        XYChart chart = new XYChart(900, 540);
        chart.setTitle(title);
        chart.setXAxisTitle("population N (perturbations per estimate)");
        chart.setYAxisTitle("cosine to the backprop gradient");
        var style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotGridLinesColor(new Color(0xe0e0e0));
        style.setLegendPosition(Styler.LegendPosition.InsideNW);
        style.setXAxisLogarithmic(true);
        style.setMarkerSize(8);
        boolean positive = measured.values().stream()
                .flatMapToDouble(java.util.Arrays::stream)
                .allMatch(c -> c > 0);
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
        XYSeries curve = chart.addSeries("theory √(N/(N+D)), D = " + dimension, n, theory);
        curve.setMarker(SeriesMarkers.NONE);
        curve.setLineColor(Color.GRAY);
        curve.setLineStyle(
                new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
        int k = 0;
        for (Map.Entry<String, double[]> e : measured.entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), populations, e.getValue());
            Color color = COLORS[k++ % COLORS.length];
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2f);
        }
        Output.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path dir;

    static boolean isPng(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        return head.length == 4 && head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
    }

    @Test
    void trainingChartIsAPng() throws IOException {
        Path file = dir.resolve("training.png");
        TrainingChart.write(
                file,
                "test",
                new double[] {1, 2, 3},
                new double[] {2.3, 1.1, 0.7},
                new double[] {2.3, 1.2, 0.9},
                new double[] {0.1, 0.6, 0.7});
        assertTrue(isPng(file));
        assertTrue(ImageIO.read(file.toFile()).getWidth() > 100);
    }

    @Test
    void cosineChartIsAPngEvenWithNegativeCosines() throws IOException {
        Path file = dir.resolve("cosine.png");
        GradientStatsCharts.cosine(
                file,
                "test",
                406_528,
                new double[] {10, 100, 1000},
                Map.of("antithetic", new double[] {0.005, 0.016, 0.05}, "vanilla", new double[] {0.001, -0.002, 0.0}));
        assertTrue(isPng(file));
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A write that fails after the file opened (a full disk: /dev/full) is reported with the file's path. */
class FullDiskTest {

    private static final Path FULL = Path.of("/dev/full");
    private static final EpochMetrics ROW = new EpochMetrics(0, 1f, 1f, 0.5f, 10, 1_000_000, 900_000);

    @Test
    void aFullDiskIsReportedWithThePath() {
        Assumptions.assumeTrue(Files.isWritable(FULL), "needs Linux's /dev/full");
        IOException chart = assertThrows(IOException.class, () -> TrainingChart.write(FULL, "t", List.of(ROW, ROW)));
        assertTrue(Main.describe(chart).startsWith(FULL + ": "), Main.describe(chart));
        IOException csv = assertThrows(IOException.class, () -> {
            try (MetricsCsv m = new MetricsCsv(FULL, 0)) {
                m.onEpoch(ROW);
            }
        });
        assertTrue(Main.describe(csv).startsWith(FULL + ": "), Main.describe(csv));
    }
}

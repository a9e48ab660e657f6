package dev.gradlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** {@code --out}: the directory a command writes into, the one given or a new one under {@code runs/}. */
final class OutputOption {

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output directory (default: a new one in runs/, named by the date and time).")
    Path out;

    /**
     * {@code --out}, or {@code runs/<yyyyMMdd-HHmmss><suffix>} (with {@code -2}, {@code -3}, ... after
     * it when a command started in the same second has that one).
     */
    Path orDefault(String suffix) {
        if (out != null) {
            if (out.toString().isEmpty()) {
                throw Usage.error("Invalid value for option '--out': must name a directory," + " got an empty path");
            }
            return out;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + suffix;
        Path dir = Path.of("runs", stamp);
        for (int k = 2; Files.exists(dir); k++) {
            dir = Path.of("runs", stamp + "-" + k);
        }
        return dir;
    }

    /** Creates and returns {@link #orDefault}({@code "-" + command}). */
    Path create(String command) throws IOException {
        return Files.createDirectories(orDefault("-" + command));
    }
}

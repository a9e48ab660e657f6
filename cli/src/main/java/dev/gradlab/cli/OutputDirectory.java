package dev.gradlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The {@code --out} directory of a command: the one given, or {@code runs/<date-time>-<command>}. */
final class OutputDirectory {

    private OutputDirectory() {
    }

    /** Creates and returns {@code out}, or a fresh {@code runs/<yyyyMMdd-HHmmss>-<command>} when it is null. */
    static Path create(Path out, String command) throws IOException {
        Path dir = out;
        if (dir == null) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + command;
            dir = Path.of("runs", stamp);
            for (int k = 2; Files.exists(dir); k++) {
                dir = Path.of("runs", stamp + "-" + k);
            }
        }
        Files.createDirectories(dir);
        return dir;
    }
}

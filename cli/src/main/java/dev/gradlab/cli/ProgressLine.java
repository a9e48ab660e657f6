package dev.gradlab.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Draws a progress bar on the last line of the error stream and prints result lines to the output
 * stream above it: before a result line the bar is erased, after it the bar is redrawn, under one
 * lock, so a terminal showing both streams never sees them interleaved mid-line.
 */
final class ProgressLine implements ProgressBarConsumer {

    private static final String ERASE_LINE = "\r\033[K";

    private final PrintWriter out;
    private final PrintWriter err;
    private final int width;
    private String shown;

    ProgressLine(PrintWriter out, PrintWriter err, int width) {
        this.out = out;
        this.err = err;
        this.width = width;
    }

    /**
     * The terminal width the launcher passes in {@code -Dgradlab.columns}, else $COLUMNS, else 100
     * (also when the terminal reports no size, as a pseudo-terminal without one does).
     */
    static int terminalWidth() {
        Integer columns = Integer.getInteger("gradlab.columns");
        if (columns == null) {
            try {
                columns = Integer.valueOf(
                        System.getenv().getOrDefault("COLUMNS", "100").strip());
            } catch (NumberFormatException e) {
                columns = 100;
            }
        }
        return columns <= 0 ? 100 : Math.max(40, columns);
    }

    @Override
    public int getMaxRenderedLength() {
        // One column spare: writing into the last column makes some terminals wrap.
        return width - 1;
    }

    @Override
    public synchronized void accept(String rendered) {
        // The renderer already fits the bar to getMaxRenderedLength() display columns.
        shown = rendered;
        err.print(ERASE_LINE + shown);
        err.flush();
    }

    /** Prints one line to the output stream, above the bar. */
    synchronized void println(String line) {
        if (shown != null) {
            err.print(ERASE_LINE);
            err.flush();
        }
        out.println(line);
        out.flush();
        if (shown != null) {
            err.print(shown);
            err.flush();
        }
    }

    @Override
    public synchronized void clear() {
        if (shown != null) {
            err.print(ERASE_LINE);
            err.flush();
            shown = null;
        }
    }

    @Override
    public synchronized void close() {
        if (shown != null) {
            err.println();
            err.flush();
            shown = null;
        }
    }
}

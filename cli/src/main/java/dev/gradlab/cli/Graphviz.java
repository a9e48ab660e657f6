package dev.gradlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Renders a DOT file with Graphviz's {@code dot} command, when it is installed. */
final class Graphviz {

    private Graphviz() {}

    /** True when a {@code dot} command runs on this machine. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("dot", "-V")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes {@code dot} rendered as {@code format} (svg, png) to {@code target}.
     *
     * @throws IOException when {@code dot} cannot be started or fails
     */
    static void render(Path dot, String format, Path target) throws IOException {
        Process p = new ProcessBuilder("dot", "-T" + format, "-Gdpi=110", "-o", target.toString(), dot.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(
                        "dot -T" + format + " " + dot + " failed (exit " + p.exitValue() + "): " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dot rendered " + dot, e);
        }
    }
}

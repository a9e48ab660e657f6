package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed micro-kernels are exactly what {@code gen/gen_microkernels.py} writes, so that no
 * tile is edited by hand and drifts from the others. Skipped where there is no {@code python3}.
 */
class GeneratedMicroKernelsTest {

    private static final Path GENERATOR = Path.of("gen", "gen_microkernels.py");
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "gradlab", "simd");

    @Test
    void committedSourcesAreTheGeneratorsOutput(@TempDir Path out) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(GENERATOR), "run from the simd module directory");
        Process process;
        try {
            process = new ProcessBuilder("python3", GENERATOR.toString(), "--out", out.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not available: " + e.getMessage());
            return;
        }
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), log);
        List<String> generated = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            files.map(f -> f.getFileName().toString()).sorted().forEach(generated::add);
        }
        List<String> committed = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("MicroKernel\\d+x\\d+\\.java|Transpose16\\.java"))
                    .sorted()
                    .forEach(committed::add);
        }
        assertEquals(generated, committed, "tiles in " + SOURCES + " against the generator's");
        for (String name : generated) {
            assertArrayEquals(
                    Files.readAllBytes(out.resolve(name)),
                    Files.readAllBytes(SOURCES.resolve(name)),
                    name + " differs from the output of python3 " + GENERATOR + "; edit the script and run it");
        }
    }
}

package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SimdProviderTest {

    /** The API: everything else in the module is package-private. */
    private static final Set<String> PUBLIC =
            Set.of("Blas", "Gemm", "Kernels", "Parallel", "Parallel$Threads", "Simd", "Simd$Implementation");

    @Test
    void providerNamesWhatItChose() {
        assertNotNull(Simd.kernels());
        assertNotNull(Simd.gemm());
        assertEquals(Simd.vectorized(), Simd.describe().startsWith("vector"), Simd.describe());
    }

    @Test
    void bothImplementationsByNameTheOneInUseIsTheVectorOne() {
        // The build runs tests with the incubator module, so the vector implementation is in use.
        assertTrue(Simd.vectorized(), Simd.describe());
        assertSame(Simd.vector().kernels(), Simd.kernels());
        assertSame(Simd.vector().gemm(), Simd.gemm());
        assertTrue(Simd.scalar().kernels() != Simd.kernels());
        float[] y = new float[2];
        Simd.scalar().kernels().sigmoid(new float[] {0f, 100f}, 0, y, 0, 2);
        assertEquals(0.5f, y[0]);
        assertEquals(1f, y[1]);
    }

    @Test
    void onlyTheApiIsPublic() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Simd.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("dev/gradlab/simd");
        Set<String> publicClasses = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    String simple = name.substring(0, name.length() - ".class".length());
                    Class<?> type = Class.forName("dev.gradlab.simd." + simple, false, Simd.class.getClassLoader());
                    if (Modifier.isPublic(type.getModifiers())) {
                        publicClasses.add(simple);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(PUBLIC), publicClasses);
    }

    /** A JVM without {@code --add-modules jdk.incubator.vector}: scalar in use, vector() refused by name. */
    @Test
    void withoutTheModuleVectorIsAClearRefusal() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classPath(),
                        WithoutModule.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // Either variable could add the module behind the test's back.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertEquals(0, process.waitFor(), String.join("\n", lines));
        assertEquals(
                List.of(
                        "vectorized false",
                        "sigmoid(0) 0.5",
                        "java.lang.UnsupportedOperationException: no Vector API implementation: the Vector API module is"
                                + " not readable; for the fast path give this JVM --add-modules jdk.incubator.vector (java"
                                + " command line, Surefire <argLine>, JMH @Fork(jvmArgsAppend), exec-maven-plugin's"
                                + " arguments) or put gradlab on the module path"),
                lines);
    }

    /**
     * The test JVM's classes as one class path: Surefire runs these tests on the module path, where
     * {@code java.class.path} lacks the module's own classes and the patched-in test classes.
     */
    private static String classPath() {
        return Stream.of(
                        System.getProperty("jdk.module.path"),
                        System.getProperty("java.class.path"),
                        codeSource(Simd.class),
                        codeSource(WithoutModule.class))
                .filter(p -> p != null && !p.isEmpty())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Run in a JVM of its own by {@link #withoutTheModuleVectorIsAClearRefusal}. */
    static final class WithoutModule {
        public static void main(String[] args) {
            System.out.println("vectorized " + Simd.vectorized());
            float[] y = new float[1];
            Simd.kernels().sigmoid(new float[1], 0, y, 0, 1);
            System.out.println("sigmoid(0) " + y[0]);
            try {
                System.out.println("vector() returned " + Simd.vector());
            } catch (RuntimeException | LinkageError e) {
                System.out.println(e);
            }
        }
    }
}

package dev.gradlab.simd;

import java.lang.System.Logger.Level;

/**
 * Chooses, once at start-up, the implementation behind {@link Kernels} and {@link Gemm}: the Vector
 * API one when the {@code jdk.incubator.vector} module is readable (on the module path
 * {@code dev.gradlab.simd} requires it; on the class path run with
 * {@code --add-modules jdk.incubator.vector}), the scalar one otherwise, with one warning line.
 * {@code -Dgradlab.simd=scalar} forces the scalar path.
 */
public final class Simd {

    /** System property that forces the scalar path when set to {@code scalar}. */
    public static final String PROPERTY = "gradlab.simd";

    private static final Provider PROVIDER = Provider.choose();

    private Simd() {
    }

    /** The elementwise kernels in use. */
    public static Kernels kernels() {
        return PROVIDER.kernels;
    }

    /** The GEMM in use. */
    public static Gemm gemm() {
        return PROVIDER.gemm;
    }

    /** True when the Vector API implementation is in use. */
    public static boolean vectorized() {
        return PROVIDER.vectorized;
    }

    /** One line saying which implementation is in use and why. */
    public static String describe() {
        return PROVIDER.description;
    }

    private record Provider(Kernels kernels, Gemm gemm, boolean vectorized, String description) {

        static Provider choose() {
            if ("scalar".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
                return scalar("scalar (forced by -D" + PROPERTY + "=scalar)");
            }
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                String why = "scalar: the Vector API module is not readable; for the fast path give this JVM"
                        + " --add-modules jdk.incubator.vector (java command line, Surefire <argLine>, JMH"
                        + " @Fork(jvmArgsAppend), exec-maven-plugin's arguments) or put gradlab on the module path";
                System.getLogger(Simd.class.getName()).log(Level.WARNING, "gradlab: " + why);
                return scalar(why);
            }
            Kernels kernels = load(Kernels.class, "dev.gradlab.simd.VectorKernels", new ScalarKernels());
            Gemm gemm = load(Gemm.class, "dev.gradlab.simd.VectorGemm", new ScalarGemm());
            boolean vectorized = !(kernels instanceof ScalarKernels) && !(gemm instanceof ScalarGemm);
            return new Provider(kernels, gemm, vectorized, (vectorized ? "vector: " : "partly scalar: ")
                    + kernels + ", " + gemm);
        }

        /** Loads a Vector API implementation by name, so that this class links without the module. */
        private static <T> T load(Class<T> type, String className, T fallback) {
            try {
                return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger(Simd.class.getName()).log(Level.WARNING,
                        "gradlab: scalar " + type.getSimpleName() + ": " + className + " failed to load (" + e + ")");
                return fallback;
            }
        }

        private static Provider scalar(String description) {
            return new Provider(new ScalarKernels(), new ScalarGemm(), false, description);
        }
    }
}

package dev.gradlab.simd;

import java.lang.System.Logger.Level;

/**
 * Chooses, once at start-up, the implementation behind {@link Kernels} and {@link Gemm}: the Vector
 * API one when the {@code jdk.incubator.vector} module is readable (on the module path
 * {@code dev.gradlab.simd} requires it; on the class path run with
 * {@code --add-modules jdk.incubator.vector}), the scalar one otherwise, with one warning line.
 * {@code -Dgradlab.simd=scalar} forces the scalar path.
 *
 * <p>Both implementations can also be asked for by name, {@link #scalar()} and {@link #vector()},
 * to compare them (tests, benchmarks); the classes behind them are not public.
 */
public final class Simd {

    /** System property that forces the scalar path when set to {@code scalar}. */
    public static final String PROPERTY = "gradlab.simd";

    private static final InUse IN_USE = InUse.choose();

    private Simd() {}

    /** The elementwise kernels in use. */
    public static Kernels kernels() {
        return IN_USE.implementation.kernels;
    }

    /** The GEMM in use. */
    public static Gemm gemm() {
        return IN_USE.implementation.gemm;
    }

    /** True when the Vector API implementation is in use. */
    public static boolean vectorized() {
        return IN_USE.implementation != Scalar.IMPLEMENTATION;
    }

    /** One line saying which implementation is in use and why. */
    public static String describe() {
        return IN_USE.description;
    }

    /** The scalar reference implementation, plain loops on every JVM: the specification of both interfaces. */
    public static Implementation scalar() {
        return Scalar.IMPLEMENTATION;
    }

    /**
     * The Vector API implementation, whatever {@code -Dgradlab.simd} says; the same instances as
     * {@link #kernels()} and {@link #gemm()} when it is the one in use.
     *
     * @throws UnsupportedOperationException when the JVM cannot run it: {@code jdk.incubator.vector}
     *     is not readable (start the JVM with {@code --add-modules jdk.incubator.vector}), or its
     *     classes failed to load
     */
    public static Implementation vector() {
        Loaded loaded = Vector.LOADED;
        if (loaded.implementation == null) {
            throw new UnsupportedOperationException("no Vector API implementation: " + loaded.problem);
        }
        return loaded.implementation;
    }

    /** A {@link Kernels} and a {@link Gemm} of one implementation. */
    public static final class Implementation {
        private final Kernels kernels;
        private final Gemm gemm;

        private Implementation(Kernels kernels, Gemm gemm) {
            this.kernels = kernels;
            this.gemm = gemm;
        }

        /** The elementwise, row and reduction kernels of this implementation. */
        public Kernels kernels() {
            return kernels;
        }

        /** The GEMM of this implementation; {@link Blas#sgemm} checks arguments, this does not. */
        public Gemm gemm() {
            return gemm;
        }

        @Override
        public String toString() {
            return kernels + ", " + gemm;
        }
    }

    private static final class Scalar {
        static final Implementation IMPLEMENTATION = new Implementation(new ScalarKernels(), new ScalarGemm());
    }

    /** Loaded on first use, so that a JVM forced onto the scalar path never touches the Vector API. */
    private static final class Vector {
        static final Loaded LOADED = Loaded.load();
    }

    private record Loaded(Implementation implementation, String problem) {

        /** Loads the Vector API classes by name, so that this class links without the module. */
        static Loaded load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return new Loaded(
                        null,
                        "the Vector API module is not readable; for the fast path give this JVM"
                                + " --add-modules jdk.incubator.vector (java command line, Surefire <argLine>, JMH"
                                + " @Fork(jvmArgsAppend), exec-maven-plugin's arguments) or put gradlab on the module path");
            }
            String className = "dev.gradlab.simd.VectorKernels";
            try {
                Kernels kernels = (Kernels)
                        Class.forName(className).getDeclaredConstructor().newInstance();
                className = "dev.gradlab.simd.VectorGemm";
                Gemm gemm =
                        (Gemm) Class.forName(className).getDeclaredConstructor().newInstance();
                return new Loaded(new Implementation(kernels, gemm), null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return new Loaded(null, className + " failed to load (" + e + ")");
            }
        }
    }

    private record InUse(Implementation implementation, String description) {

        static InUse choose() {
            if ("scalar".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
                return new InUse(Scalar.IMPLEMENTATION, "scalar (forced by -D" + PROPERTY + "=scalar)");
            }
            Loaded vector = Vector.LOADED;
            if (vector.implementation == null) {
                String why = "scalar: " + vector.problem;
                System.getLogger(Simd.class.getName()).log(Level.WARNING, "gradlab: " + why);
                return new InUse(Scalar.IMPLEMENTATION, why);
            }
            if (Runtime.version().feature() < 21) {
                // Measured: on JDK 17 some JVMs run the same vector code paths 1.7x slower than others.
                System.getLogger(Simd.class.getName())
                        .log(
                                Level.WARNING,
                                "gradlab: the Vector API code runs"
                                        + " slower, and unevenly from one JVM to the next, on JDK "
                                        + Runtime.version().feature()
                                        + " than on JDK 21 or newer: use JDK 21+ for full speed (./gradlab picks one when installed)");
            }
            return new InUse(vector.implementation, "vector: " + vector.implementation);
        }
    }
}

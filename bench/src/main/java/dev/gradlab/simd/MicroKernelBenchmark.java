package dev.gradlab.simd;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GEMM micro-kernel alone, in cache: one packed B panel ({@code kc × nr}, in L1) times
 * {@code PANELS} packed A panels (in L2), each tile written to a small C, as {@link VectorGemm}
 * runs it inside a block: the ceiling a whole product can approach. The score is nanoseconds per
 * pass, {@code 2·mr·nr·kc·PANELS} floating-point operations, so GFLOPS = that count / score (for
 * the 4×2 tile on AVX2, {@code nr = 16}, at {@code kc = 400}: 1,638,400 / score).
 *
 * <p>The one white-box benchmark: a tile is not an implementation a user chooses, and only alone
 * does it show whether C2 kept its accumulators in registers, so this class shares the package of
 * the package-private {@link MicroKernel} on the class path (as JMH runs it). Every other
 * benchmark reaches the kernels through {@link Simd}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class MicroKernelBenchmark {

    /** A panels per B panel: 32 tiles of 4 rows, as in an M block of 128 rows. */
    static final int PANELS = 32;

    @Param({"4x2"})
    String tile;

    @Param({"400"})
    int kc;

    /** Whether the tile is added to C (later K blocks) or overwrites it (the first one). */
    @Param({"true", "false"})
    boolean add;

    private MicroKernel kernel;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        kernel = MicroKernel.named(tile);
        a = new float[PANELS * kernel.mr() * kc];
        b = new float[kc * kernel.nr()];
        c = new float[PANELS * kernel.mr() * kernel.nr()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7 - 3) * 0.25f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5 - 2) * 0.5f;
        }
    }

    /** One B panel through every A panel; 2·mr·nr·kc·PANELS floating-point operations. */
    @Benchmark
    public float[] panels() {
        int mr = kernel.mr();
        int nr = kernel.nr();
        for (int p = 0; p < PANELS; p++) {
            kernel.packed(kc, a, p * mr * kc, b, 0, c, p * mr * nr, nr, add);
        }
        return c;
    }
}

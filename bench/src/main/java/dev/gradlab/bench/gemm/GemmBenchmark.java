package dev.gradlab.bench.gemm;

import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Gemm;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-precision GEMM throughput, {@code C = A·B} (beta 0) at {@code shape = MxKxN} as in the
 * OpenBLAS reference script, in operations per second: GFLOPS = score · 2·M·K·N / 10⁹.
 * {@code impl=vector} goes through {@link Blas#sgemm} (the Vector API path, checked at setup);
 * {@code impl=scalar} is the reference loop, single-threaded whatever {@code threads} says.
 * {@code layout} picks the transposes (NN, NT, TN, TT; NN matches the reference script).
 *
 * <p>Warm-up is long on purpose: C1 does not compile the large micro-kernel, so it runs
 * interpreted or in C1's profiling tier until C2 has compiled it, which takes seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBenchmark {

    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "100x784x512", "1000x784x512", "512x100x784", "100x512x10"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "scalar"})
    public String impl;

    @Param({"NN"})
    public String layout;

    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;
    private Gemm scalar;
    private Parallel.Threads threadScope;

    @Setup(Level.Trial)
    public void setUp() {
        String[] mkn = shape.split("x");
        if (mkn.length != 3) {
            throw new IllegalArgumentException("shape must be MxKxN, got " + shape);
        }
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        if (!layout.matches("[NT][NT]")) {
            throw new IllegalArgumentException("layout must be one of NN, NT, TN, TT, got " + layout);
        }
        transA = layout.charAt(0) == 'T';
        transB = layout.charAt(1) == 'T';
        switch (impl) {
            case "vector":
                if (Simd.gemm() != Simd.vector().gemm()) {
                    throw new IllegalStateException("impl=vector, but the GEMM in use is " + Simd.describe());
                }
                scalar = null;
                break;
            case "scalar":
                scalar = Simd.scalar().gemm();
                break;
            default:
                throw new IllegalArgumentException("impl must be vector or scalar, got " + impl);
        }
        SplittableRandom random = new SplittableRandom(42);
        a = gaussian(random, m * k);
        b = gaussian(random, k * n);
        c = new float[m * n];
        threadScope = Parallel.withThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        threadScope.close();
    }

    @Benchmark
    public float[] sgemm() {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        if (scalar == null) {
            Blas.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        } else {
            scalar.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        }
        return c;
    }

    private static float[] gaussian(SplittableRandom random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            // Sum of uniforms: close enough to normal for timing, and no dependence on nextGaussian.
            x[i] = (float) (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
        }
        return x;
    }
}

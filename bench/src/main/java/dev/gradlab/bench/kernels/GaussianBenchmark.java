package dev.gradlab.bench.kernels;

import dev.gradlab.simd.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Gaussian noise throughput in samples per microsecond (= millions per second): one evolution-
 * strategies population member's noise for the reference MLP (406,528 parameters) per call.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class GaussianBenchmark {

    static final int N = 784 * 512 + 512 * 10;

    @Param({"scalar", "vector"})
    String impl;

    Kernels k;
    float[] out = new float[N];
    long member;

    @Setup
    public void setup() {
        k = KernelChoice.of(impl);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] fill() {
        k.gaussian(42, member++, 0, out, 0, N);
        return out;
    }
}

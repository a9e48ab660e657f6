package dev.gradlab.bench.kernels;

import dev.gradlab.simd.Kernels;
import java.util.Random;
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
 * Activation throughput in elements per microsecond, forward and backward, on the reference MLP's
 * hidden layer (batch 100 × 512 units), scalar against Vector API kernels.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class ActivationBenchmark {

    static final int N = 100 * 512;

    @Param({"scalar", "vector"})
    String impl;

    Kernels k;
    float[] x = new float[N];
    float[] y = new float[N];
    float[] gy = new float[N];
    float[] gx = new float[N];

    @Setup
    public void setup() {
        k = KernelChoice.of(impl);
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            x[i] = (float) random.nextGaussian() * 3;
            gy[i] = (float) random.nextGaussian();
        }
        k.sigmoid(x, 0, y, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] sigmoid() {
        k.sigmoid(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] sigmoidBackward() {
        k.sigmoidBackward(y, 0, gy, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] tanh() {
        k.tanh(x, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] tanhBackward() {
        k.tanhBackward(y, 0, gy, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] relu() {
        k.relu(x, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] reluBackward() {
        k.reluBackward(x, 0, gy, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] requ() {
        k.requ(x, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] requBackward() {
        k.requBackward(x, 0, gy, 0, gx, 0, N);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] exp() {
        k.exp(x, 0, gx, 0, N);
        return gx;
    }
}

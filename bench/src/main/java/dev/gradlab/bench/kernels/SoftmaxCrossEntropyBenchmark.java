package dev.gradlab.bench.kernels;

import dev.gradlab.simd.Kernels;
import java.util.Random;
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

/** Fused softmax cross-entropy of the reference MLP's output (100 rows × 10 classes): loss alone and with the gradient. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class SoftmaxCrossEntropyBenchmark {

    static final int ROWS = 100;
    static final int COLS = 10;

    @Param({"scalar", "vector"})
    String impl;

    Kernels k;
    float[] logits = new float[ROWS * COLS];
    float[] grad = new float[ROWS * COLS];
    int[] labels = new int[ROWS];

    @Setup
    public void setup() {
        k = KernelChoice.of(impl);
        Random random = new Random(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 2;
        }
        for (int r = 0; r < ROWS; r++) {
            labels[r] = random.nextInt(COLS);
        }
    }

    @Benchmark
    public float loss() {
        return k.softmaxCrossEntropy(logits, 0, ROWS, COLS, labels, 0, null, 0);
    }

    @Benchmark
    public float lossAndGradient() {
        return k.softmaxCrossEntropy(logits, 0, ROWS, COLS, labels, 0, grad, 0);
    }
}

package com.example.gradlab;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
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
 * Forward, and forward plus backward, of {@link Silu} on a batch of activations. JMH forks run on
 * the class path, so each fork is given the Vector API with {@code jvmArgsAppend}; without it gradlab
 * falls back to its scalar kernels and says so in one warning line.
 * <p>
 * {@code ./mvnw -f examples/pom.xml package exec:exec@jmh -DskipTests} runs it (see the pom's
 * {@code jmh} execution: the same flag for the JVM that runs JMH's main).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SiluBenchmark {

    @Param({"100"})
    int batch;

    @Param({"512"})
    int features;

    Tensor x;
    Tensor x2;

    @Setup
    public void setUp() {
        x = Tensor.uniform(1, -4, 4, batch, features).requiresGrad(true);
        x2 = Tensor.uniform(2, -4, 4, batch, features);
    }

    @Benchmark
    public float forward() {
        try (var ws = Workspace.open()) {
            return new Silu().apply(x2).data()[0];
        }
    }

    @Benchmark
    public float forwardBackward() {
        try (var ws = Workspace.open()) {
            x.setGrad(null);
            new Silu().apply(x).sum().backward();
            return x.grad().data()[0];
        }
    }
}

package dev.gradlab.bench.core;

import dev.gradlab.core.Losses;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward and backward pass of the reference MLP (784-512-10, no bias, batch 100,
 * cross-entropy), the work of one SGD step without the update. Run with {@code -prof gc}: inside a
 * {@link Workspace} a steady-state step should allocate no arrays ({@code gc.alloc.rate.norm} is
 * the few small objects of the graph); without one, every step allocates its activations and
 * gradients. PyTorch's figure for the same step comes from {@code ../shared/reference/pytorch_seed.py}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MlpStepBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpStepBenchmark {

    @Param({"sigmoid"})
    public String activation;

    private Module model;
    private Tensor x;
    private int[] labels;

    @Setup
    public void setUp() {
        Module act = switch (activation) {
            case "sigmoid" -> new Sigmoid();
            case "relu" -> new ReLU();
            case "requ" -> new ReQU();
            default ->
                throw new IllegalArgumentException("activation must be sigmoid, relu or requ, got " + activation);
        };
        model = new Sequential(new Linear(784, 512, false, 1), act, new Linear(512, 10, false, 2));
        x = Tensor.uniform(3, 0f, 1f, 100, 784);
        labels = new SplittableRandom(4).ints(100, 0, 10).toArray();
    }

    @TearDown
    public void tearDown() {
        Workspace.trim();
    }

    /** Forward and backward with the graph's tensors lent by a workspace. */
    @Benchmark
    public float forwardBackward() {
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        try (var ws = Workspace.open()) {
            Tensor loss = Losses.crossEntropy(model.forward(x), labels);
            loss.backward();
            return loss.item();
        }
    }

    /** The same step without a workspace: every activation and gradient is a new array. */
    @Benchmark
    public float forwardBackwardWithoutWorkspace() {
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        Tensor loss = Losses.crossEntropy(model.forward(x), labels);
        loss.backward();
        return loss.item();
    }
}

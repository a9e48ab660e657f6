package dev.gradlab.bench.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Batcher;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.Sgd;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * gradlab's side of the SGD step in {@code bench/run cnn}: the reference convnet
 * ({@link Convnets#reference}, seed 42) trained by backprop with SGD lr 0.05 momentum 0.9 on
 * batches of 100 of the embedded subset, in order. After {@code warmup} untimed steps (the JIT
 * compiles the kernels), {@code rounds} rounds of {@code steps} steps are timed; prints the median
 * milliseconds per step with the fastest and slowest round, per thread count:
 *
 * <pre>cnn_sgd_step_ms threads=1 median=4.10 min=4.02 max=4.31 calling_thread_cpu_ms=4.05</pre>
 *
 * The calling thread's CPU time per step (median) is less disturbed by other processes on a shared
 * machine than the elapsed time, but leaves out the pool's other threads.
 * Arguments as {@code key=value}: threads (a comma-separated list, default {@code 1,2}), warmup
 * (300), steps (100), rounds (7).
 */
public final class CnnStep {

    private CnnStep() {}

    public static void main(String[] args) {
        List<Integer> threads = new ArrayList<>();
        int warmup = 300;
        int steps = 100;
        int rounds = 7;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            switch (kv[0]) {
                case "threads" ->
                    Arrays.stream(kv[1].split(",")).map(Integer::parseInt).forEach(threads::add);
                case "warmup" -> warmup = Integer.parseInt(kv[1]);
                case "steps" -> steps = Integer.parseInt(kv[1]);
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                default ->
                    throw new IllegalArgumentException("arguments are threads, warmup, steps and rounds, got " + kv[0]);
            }
        }
        if (threads.isEmpty()) {
            threads = List.of(1, 2);
        }
        System.out.println("# " + Simd.describe());
        DataSplit data = FashionMnist.subset();
        for (int t : threads) {
            try (var scope = Parallel.withThreads(t)) {
                Sequential model = Convnets.reference(42);
                Stepper stepper = new Stepper(model, data);
                stepper.run(warmup);
                double[] ms = new double[rounds];
                double[] cpu = new double[rounds];
                ThreadMXBean bean = ManagementFactory.getThreadMXBean();
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    long cpuStart = bean.getCurrentThreadCpuTime();
                    stepper.run(steps);
                    cpu[r] = (bean.getCurrentThreadCpuTime() - cpuStart) / 1e6 / steps;
                    ms[r] = (System.nanoTime() - start) / 1e6 / steps;
                }
                Arrays.sort(ms);
                Arrays.sort(cpu);
                System.out.println(String.format(
                        Locale.ROOT,
                        "cnn_sgd_step_ms threads=%d median=%.3f min=%.3f max=%.3f calling_thread_cpu_ms=%.3f",
                        t,
                        ms[rounds / 2],
                        ms[0],
                        ms[rounds - 1],
                        cpu[rounds / 2]));
            }
        }
    }

    /** SGD lr 0.05 momentum 0.9 through the batches of 100, in order, round and round. */
    private static final class Stepper {
        private final Sequential model;
        private final Sgd sgd;
        private final Backprop backprop = new Backprop();
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<int[]> labels = new ArrayList<>();
        private int step;

        Stepper(Sequential model, DataSplit data) {
            this.model = model;
            this.sgd = new Sgd(model.parameters(), 0.05f, 0.9f);
            for (var batch : new Batcher(data.train(), 100, false, 0, false).epoch(0)) {
                // The batcher reuses one buffer; each batch keeps a copy of its own.
                inputs.add(batch.inputs().copy());
                labels.add(batch.labels().clone());
            }
        }

        void run(int steps) {
            for (int i = 0; i < steps; i++, step++) {
                int b = step % inputs.size();
                backprop.estimate(model, inputs.get(b), labels.get(b), step);
                sgd.step();
            }
        }
    }
}

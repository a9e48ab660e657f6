package dev.gradlab.bench.optim;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.data.Batcher;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EstimatorComparison;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.Metrics;
import dev.gradlab.optim.Sgd;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * gradlab's side of {@code bench/run train}: the same work as the reference script
 * {@code pytorch_seed.py}, printed as {@code name value unit} lines for each thread count given
 * (default 1 and 2). The reference MLP is 784-512-10, sigmoid, no biases, on the first 1000/1000
 * Fashion-MNIST images; SGD lr 0.1 momentum 0.9 batch 100 for 100 epochs in order; the ES gradient
 * with N = 100 directions (pairs) and σ = 0.001 over the 1000 training images, as the script does.
 * Arguments: the thread counts (default 1 2). Both sides start from the same initial weights
 * (PyTorch's for seed 42).
 * Each timed gradlab run follows an untimed one of the same work (JIT compilation) and, like the
 * reference script's, is timed once.
 */
public final class TrainComparison {

    private TrainComparison() {}

    public static void main(String[] args) {
        List<Integer> threads = new ArrayList<>();
        for (String arg : args) {
            threads.add(Integer.parseInt(arg));
        }
        if (threads.isEmpty()) {
            threads = List.of(1, 2);
        }
        System.out.println("# " + Simd.describe());
        DataSplit data = FashionMnist.subset();
        for (int t : threads) {
            try (var scope = Parallel.withThreads(t)) {
                String suffix = "_" + t + "thread" + (t == 1 ? "" : "s");
                sgd(data, suffix);
                es(data.train(), suffix);
            }
        }
    }

    /**
     * The reference MLP with the initial weights {@code torch.manual_seed(seed)} gives PyTorch's
     * {@code Sequential(Linear(784, 512, bias=False), Sigmoid(), Linear(512, 10, bias=False))}.
     */
    static Sequential reference(long seed) {
        TorchGenerator generator = new TorchGenerator(seed);
        return new Sequential(
                new Linear(784, 512, false, generator), new Sigmoid(), new Linear(512, 10, false, generator));
    }

    private static void sgd(DataSplit data, String suffix) {
        // Ten epochs on a throwaway model first, so the timed run is compiled code.
        train(reference(7), data, 10);
        Sequential model = reference(42);
        long start = System.nanoTime();
        int steps = train(model, data, 100);
        double seconds = (System.nanoTime() - start) / 1e9;
        print("backprop_sgd_100_epochs_seconds" + suffix, seconds, "s");
        print("backprop_sgd_step_ms" + suffix, 1000 * seconds / steps, "ms");
        print("backprop_sgd_test_accuracy" + suffix, Metrics.accuracy(model, data.test()), "fraction");
    }

    /** The reference script's loop: SGD lr 0.1 momentum 0.9, batches of 100 in order; returns the steps. */
    private static int train(Sequential model, DataSplit data, int epochs) {
        Sgd sgd = new Sgd(model.parameters(), 0.1f, 0.9f);
        Backprop backprop = new Backprop();
        Batcher batcher = new Batcher(data.train(), 100, false, 0, false);
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (var batch : batcher.epoch(epoch)) {
                backprop.estimate(model, batch.inputs(), batch.labels(), steps++);
                sgd.step();
            }
        }
        return steps;
    }

    private static void es(Dataset train, String suffix) {
        Sequential model = reference(42);
        Tensor x = train.imagesTensor();
        int[] labels = train.labels();
        int d = Parameters.count(model.parameters());
        new Backprop().estimate(model, x, labels, 0);
        float[] exact = new float[d];
        Parameters.flattenGrads(model.parameters(), exact);
        float[] g = new float[d];
        for (boolean antithetic : new boolean[] {false, true}) {
            String tag = antithetic ? "antithetic" : "vanilla";
            var es = EvolutionStrategies.builder()
                    .population(100)
                    .sigma(0.001f)
                    .antithetic(antithetic)
                    .seed(777)
                    .build();
            // One untimed estimate first, so the timed one is compiled code; then one timed, as the
            // reference script times one.
            es.estimate(model, x, labels, 1);
            long start = System.nanoTime();
            es.estimate(model, x, labels, 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            Parameters.flattenGrads(model.parameters(), g);
            print("es_grad_" + tag + "_n100_seconds" + suffix, seconds, "s");
            print(
                    "es_grad_" + tag + "_n100_cosine_to_backprop" + suffix,
                    EstimatorComparison.cosine(g, exact),
                    "cosine");
        }
        print("es_grad_antithetic_n100_cosine_theory", EstimatorComparison.theoreticalCosine(100, d), "cosine");
    }

    private static void print(String name, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%s %.4f %s", name, value, unit));
    }
}

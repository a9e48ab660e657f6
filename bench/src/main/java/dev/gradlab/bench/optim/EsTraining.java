package dev.gradlab.bench.optim;

import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the reference MLP (784-512-10, sigmoid, no biases) on the embedded 1000/1000 subset by
 * evolution strategies (antithetic pairs, centered ranks) and Adam, printing the test accuracy
 * after each epoch. Arguments as {@code key=value}: pairs (100), sigma (0.05), lr (0.01),
 * batch (100), epochs (30), seed (1), threads (all).
 */
public final class EsTraining {

    private EsTraining() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            a.put(kv[0], kv[1]);
        }
        int pairs = Integer.parseInt(a.getOrDefault("pairs", "100"));
        float sigma = Float.parseFloat(a.getOrDefault("sigma", "0.05"));
        float lr = Float.parseFloat(a.getOrDefault("lr", "0.01"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "100"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "30"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        int threads = a.containsKey("threads") ? Integer.parseInt(a.get("threads")) : Parallel.threads();
        try (var scope = Parallel.withThreads(threads)) {
            train(pairs, sigma, lr, batch, epochs, seed);
        }
    }

    private static void train(int pairs, float sigma, float lr, int batch, int epochs, long seed) {
        System.out.println("# " + Simd.describe() + "; threads " + Parallel.threads());
        System.out.printf(Locale.ROOT, "# es antithetic, centered ranks, pairs %d, sigma %s, Adam lr %s, batch %d%n",
                pairs, sigma, lr, batch);
        DataSplit data = FashionMnist.subset();
        Sequential model = TrainComparison.reference(seed);
        var es = EvolutionStrategies.builder().population(pairs).sigma(sigma).antithetic(true).rankShaping(true)
                .seed(seed).build();
        TrainingResult result = Trainer.builder().model(model).estimator(es).optimizer(new Adam(model.parameters(), lr))
                .train(data.train()).test(data.test()).epochs(epochs).batchSize(batch).seed(seed)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        System.out.printf(Locale.ROOT, "epoch %d train_loss %.4f test_loss %.4f test_accuracy %.4f"
                                        + " evaluations %d seconds %.1f%n", m.epoch() + 1, m.trainLoss(), m.testLoss(),
                                m.testAccuracy(), m.lossEvaluations(), m.elapsedNanos() / 1e9);
                    }
                }).build().run();
        System.out.printf(Locale.ROOT, "es_training_test_accuracy %.4f fraction%nes_training_seconds %.1f s%n",
                result.testAccuracy(), result.wallNanos() / 1e9);
    }
}

package dev.gradlab.bench.optim;

import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.example.SoftplusLayer;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Adam;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EpochMetrics;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.GradientEstimator;
import dev.gradlab.optim.Optimizer;
import dev.gradlab.optim.Sgd;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the reference MLP (784-512-10, sigmoid, no biases) as {@code pytorch_train.py} does,
 * printing the test accuracy after each epoch. Seconds count the training steps only
 * ({@link EpochMetrics#trainingNanos}), not the batches' assembly or the test evaluation after
 * each epoch, as the reference script counts them; the last line is the loss
 * evaluations per second of training. Arguments as {@code key=value}:
 * <ul>
 *   <li>method ({@code es}: antithetic pairs, centered ranks and Adam; {@code backprop}: SGD with
 *       momentum 0.9);
 *   <li>data ({@code subset}: the embedded 1000/1000, in order; {@code full}: the 60,000/10,000
 *       found as {@code gradlab train --data full} finds them, never downloaded, reshuffled every
 *       epoch);
 *   <li>pairs (100), sigma (0.05), lr (es 0.01, backprop 0.1), batch (100), epochs (30), seed (1),
 *       threads (all), rank (0: full-rank perturbations; r ≥ 1: low-rank);
 *   <li>activation ({@code sigmoid}, or {@code softplus}: the user-written {@code Softplus} example
 *       of core's tests, which takes the population path like any parameter-free module).
 * </ul>
 */
public final class Training {

    private Training() {}

    public static void main(String[] args) {
        Map<String, String> a = Arguments.parse(args);
        int threads = a.containsKey("threads") ? Integer.parseInt(a.get("threads")) : Parallel.threads();
        try (var scope = Parallel.withThreads(threads)) {
            train(a);
        }
    }

    private static void train(Map<String, String> a) {
        String method = a.getOrDefault("method", "es");
        boolean es = switch (method) {
            case "es" -> true;
            case "backprop" -> false;
            default -> throw new IllegalArgumentException("method must be es or backprop, got " + method);
        };
        String dataName = a.getOrDefault("data", "subset");
        DataSplit data = switch (dataName) {
            case "subset" -> FashionMnist.subset();
            case "full" -> FashionMnist.locate(null, false);
            default -> throw new IllegalArgumentException("data must be subset or full, got " + dataName);
        };
        int pairs = Integer.parseInt(a.getOrDefault("pairs", "100"));
        float sigma = Float.parseFloat(a.getOrDefault("sigma", "0.05"));
        float lr = Float.parseFloat(a.getOrDefault("lr", es ? "0.01" : "0.1"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "100"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "30"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        int rank = Integer.parseInt(a.getOrDefault("rank", "0"));
        Perturbation perturbation = rank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(rank);
        String activation = a.getOrDefault("activation", "sigmoid");
        Sequential model = switch (activation) {
            case "sigmoid" -> TrainComparison.reference(seed);
            case "softplus" -> {
                TorchGenerator g = new TorchGenerator(seed);
                yield new Sequential(
                        new Linear(784, 512, false, g), new SoftplusLayer(), new Linear(512, 10, false, g));
            }
            default -> throw new IllegalArgumentException("activation must be sigmoid or softplus, got " + activation);
        };
        GradientEstimator estimator = es
                ? EvolutionStrategies.builder()
                        .population(pairs)
                        .sigma(sigma)
                        .antithetic(true)
                        .rankShaping(true)
                        .perturbation(perturbation)
                        .seed(seed)
                        .build()
                : new Backprop();
        Optimizer<?> optimizer = es ? new Adam(model.parameters(), lr) : new Sgd(model.parameters(), lr, 0.9f);
        System.out.println("# " + Simd.describe() + "; threads " + Parallel.threads());
        System.out.printf(
                Locale.ROOT,
                "# %s, %s, batch %d, %s, %s data (%d training images)%n",
                estimator,
                optimizer,
                batch,
                activation,
                dataName,
                data.train().size());
        long[] training = new long[1];
        long[] evaluations = new long[1];
        TrainingResult result = Trainer.builder()
                .model(model)
                .estimator(estimator)
                .optimizer(optimizer)
                .train(data.train())
                .test(data.test())
                .epochs(epochs)
                .batchSize(batch)
                .seed(seed)
                .shuffle(dataName.equals("full"))
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        training[0] = m.trainingNanos();
                        evaluations[0] = m.lossEvaluations();
                        System.out.printf(
                                Locale.ROOT,
                                "epoch %d train_loss %.4f test_loss %.4f test_accuracy %.4f"
                                        + " evaluations %d seconds %.2f%n",
                                m.epoch() + 1,
                                m.trainLoss(),
                                m.testLoss(),
                                m.testAccuracy(),
                                m.lossEvaluations(),
                                training[0] / 1e9);
                    }
                })
                .build()
                .run();
        System.out.printf(
                Locale.ROOT,
                "summary evaluations_per_second %.0f test_accuracy %.4f seconds %.2f%n",
                evaluations[0] / (training[0] / 1e9),
                result.testAccuracy(),
                training[0] / 1e9);
    }
}

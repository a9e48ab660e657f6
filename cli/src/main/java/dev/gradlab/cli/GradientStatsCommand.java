package dev.gradlab.cli;

import dev.gradlab.core.Tape;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.SavedModel;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.Backprop;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.Fgsm;
import dev.gradlab.optim.GradientNoise;
import dev.gradlab.optim.Metrics;
import dev.gradlab.optim.Sgd;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingDivergedException;
import dev.gradlab.optim.TrainingListener;
import dev.gradlab.optim.TrainingStalledException;
import dev.gradlab.optim.TrainingStep;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradlab gradient-stats}: three properties of gradients, each with a figure. Vanishing and
 * exploding gradients (the norm of each layer's gradient over training of a deep narrow network, per
 * activation: {@code vanishing.png}); gradient noise (mini-batch gradients at growing batch sizes and
 * ES estimates at as many loss evaluations, against the full-data gradient: {@code noise.png}); and
 * adversarial examples by FGSM on the trained reference network ({@code fgsm.png},
 * {@code fgsm-examples.png}).
 */
@Command(
        name = "gradient-stats",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Properties of gradients, with plots: vanishing gradients, gradient noise, FGSM.",
            "Vanishing/exploding gradients per layer in a deep narrow network (vanishing.png), mini-batch and ES gradient noise against the full-data",
            "gradient (noise.png), and FGSM adversarial examples on the trained reference network",
            "(fgsm.png, fgsm-examples.png). Numbers also go to vanishing.csv, noise.csv and fgsm.csv."
        })
final class GradientStatsCommand implements Callable<Integer> {

    private static final String[] CLASSES = {
        "T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"
    };

    enum Part {
        VANISHING,
        NOISE,
        FGSM
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--parts",
            paramLabel = "P,P",
            split = ",",
            defaultValue = "vanishing,noise,fgsm",
            description = "Which parts to run: vanishing, noise, fgsm (default: ${DEFAULT-VALUE}).")
    EnumSet<Part> parts;

    @Option(
            names = "--depth",
            paramLabel = "N",
            defaultValue = "8",
            description = "vanishing: hidden layers (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(
            names = "--width",
            paramLabel = "N",
            defaultValue = "64",
            description = "vanishing: units per hidden layer (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "10",
            description =
                    "vanishing: training epochs per activation, SGD lr 0.1 momentum 0.9, batch 100 (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--hidden",
            paramLabel = "N",
            defaultValue = "512",
            description =
                    "noise and fgsm: the hidden layer of the reference network 784-N-10, sigmoid (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(
            names = "--batches",
            paramLabel = "B,B,...",
            split = ",",
            defaultValue = "1,3,10,30,100,300,1000",
            description =
                    "noise: mini-batch sizes, and the loss evaluations of the ES estimates (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(
            names = "--draws",
            paramLabel = "R",
            defaultValue = "20",
            description = "noise: mini-batch gradients drawn per size (ES: at most 3) (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(
            names = "--weights",
            paramLabel = "FILE",
            description =
                    "fgsm: attack this trained network (a model.safetensors) instead of training the reference one.")
    Path weights;

    @Option(
            names = "--train-epochs",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "fgsm: epochs of the reference training when no --weights is given (default: ${DEFAULT-VALUE}).")
    int trainEpochs;

    @Option(
            names = "--epsilons",
            paramLabel = "E,E,...",
            split = ",",
            defaultValue = "0,0.01,0.02,0.03,0.05,0.1,0.15,0.2",
            description = "fgsm: the ε to test (default: ${DEFAULT-VALUE}).")
    float[] epsilons;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    private PrintWriter stdout;

    @Override
    public Integer call() throws IOException {
        validate();
        try (var scope = run.threads.open()) {
            return run(parts);
        }
    }

    private Integer run(EnumSet<Part> chosen) throws IOException {
        stdout = spec.commandLine().getOut();
        DataSplit split = data.load();
        Path dir = run.out.create("gradient-stats");
        List<String> written = new ArrayList<>();
        if (chosen.contains(Part.VANISHING)) {
            vanishing(split.train(), dir);
            written.addAll(List.of("vanishing.png", "vanishing.csv"));
        }
        if (chosen.contains(Part.NOISE)) {
            noise(split.train(), dir);
            written.addAll(List.of("noise.png", "noise.csv"));
        }
        if (chosen.contains(Part.FGSM)) {
            fgsm(split, dir);
            written.addAll(List.of("fgsm.png", "fgsm-examples.png", "fgsm.csv"));
        }
        stdout.printf("%nwrote %s in %s%n", String.join(", ", written), dir);
        stdout.flush();
        return 0;
    }

    private void validate() {
        Usage.positive("--depth", depth);
        Usage.positive("--width", width);
        Usage.positive("--epochs", epochs);
        Usage.positive("--hidden", hidden);
        Usage.positive("--draws", draws);
        Usage.positive("--train-epochs", trainEpochs);
        for (int b : batches) {
            Usage.positive("--batches", b);
        }
        for (float e : epsilons) {
            if (!(e >= 0) || !Float.isFinite(e)) {
                throw Usage.error(
                        "Invalid value for option '--epsilons': every ε must be a finite number >= 0, got " + e);
            }
        }
    }

    /** Trains the deep narrow network once per activation, noting each layer's weight-gradient norm per step. */
    private void vanishing(Dataset train, Path dir) throws IOException {
        int[] hiddenSizes = new int[depth];
        Arrays.fill(hiddenSizes, width);
        int batch = Math.min(100, train.size());
        int steps = epochs * ((train.size() + batch - 1) / batch);
        double[] stepAxis = new double[steps];
        Arrays.setAll(stepAxis, i -> i + 1);
        Map<String, double[][]> norms = new LinkedHashMap<>();
        String layers = null;
        stdout.print(Text.format(
                "vanishing and exploding gradients: %d hidden layers of %d, no biases, SGD lr 0.1"
                        + " momentum 0.9, batch %d, %d steps%n",
                depth, width, batch, steps));
        stdout.print(Text.format("%-8s  %14s  %14s  %14s  %14s%n", "", "first step", "", "last step", ""));
        stdout.print(Text.format(
                "%-8s  %14s  %14s  %14s  %14s%n", "", "‖∂L/∂W1‖", "‖∂L/∂W_out‖ ÷", "‖∂L/∂W1‖", "‖∂L/∂W_out‖ ÷"));
        try (var csv = Files.newBufferedWriter(dir.resolve("vanishing.csv"))) {
            csv.write("activation,step,layer,grad_norm,loss\n");
            for (Activation activation : Activation.values()) {
                Architecture a = Architecture.of(train.features(), hiddenSizes, train.classes(), activation, false);
                layers = a.layers();
                Sequential net = a.build(run.seed);
                double[][] n = new double[net.parameters().size()][steps];
                for (double[] row : n) {
                    Arrays.fill(row, Double.NaN);
                }
                float[] losses = new float[steps];
                int[] done = {0};
                String stopped = "";
                try {
                    Trainer.builder()
                            .model(net)
                            .optimizer(new Sgd(net.parameters(), 0.1f, 0.9f))
                            .train(train)
                            .epochs(epochs)
                            .batchSize(batch)
                            .shuffle(false)
                            .maxLoss(Float.POSITIVE_INFINITY)
                            .listener(new TrainingListener() {
                                @Override
                                public void onStep(TrainingStep step) {
                                    int t = done[0]++;
                                    losses[t] = step.loss();
                                    for (int k = 0; k < n.length; k++) {
                                        n[k][t] = norm(
                                                step.parameters().get(k).grad().data());
                                    }
                                }
                            })
                            .build()
                            .run();
                } catch (TrainingDivergedException e) {
                    stopped = "  (diverged at step " + (e.step() + 1) + "; stopped)";
                } catch (TrainingStalledException e) {
                    stopped = "  (no weight changed in epoch " + (e.epoch() + 1) + "; stopped)";
                }
                for (int t = 0; t < done[0]; t++) {
                    for (int k = 0; k < n.length; k++) {
                        csv.write(Text.format("%s,%d,%d,%.6g,%.6g%n", activation, t + 1, k + 1, n[k][t], losses[t]));
                    }
                }
                int last = Math.max(0, done[0] - 1);
                int out = n.length - 1;
                stdout.print(Text.format(
                        "%-8s  %14.3e  %14s  %14.3e  %14s%s%n",
                        activation,
                        n[0][0],
                        ratio(n[out][0], n[0][0]),
                        n[0][last],
                        ratio(n[out][last], n[0][last]),
                        stopped));
                norms.put(activation.toString(), n);
            }
        }
        GradientStatsCharts.vanishing(
                dir.resolve("vanishing.png"), layers + ", gradient norm per layer", stepAxis, norms);
        stdout.println("(÷: the output layer's norm divided by the first layer's)");
        stdout.flush();
    }

    /** Mini-batch and ES gradients at the reference network's initial weights against the full-data gradient. */
    private void noise(Dataset train, Path dir) throws IOException {
        Architecture a =
                Architecture.of(train.features(), new int[] {hidden}, train.classes(), Activation.SIGMOID, false);
        Sequential net = a.build(run.seed);
        float[] full = GradientNoise.fullGradient(net, train);
        int[] sizes = Arrays.stream(batches).filter(b -> b <= train.size()).toArray();
        double[][] minibatch = new double[3][sizes.length];
        double[][] es = new double[3][sizes.length];
        stdout.print(Text.format(
                "%ngradient noise: %s at its initial weights (seed %d), against the gradient over all %d"
                        + " training images%n",
                a, run.seed, train.size()));
        stdout.print(Text.format(
                "%8s  %14s  %14s  %14s  %14s%n",
                "B or N", "mini-batch cos", "rel. variance", "ES cos", "rel. variance"));
        try (var csv = Files.newBufferedWriter(dir.resolve("noise.csv"))) {
            csv.write("estimator,size,cosine,relative_variance,draws\n");
            for (int i = 0; i < sizes.length; i++) {
                int b = sizes[i];
                GradientNoise.Stats m = GradientNoise.minibatch(net, train, full, b, draws, run.seed + i);
                // N loss evaluations: N/2 antithetic pairs (one pair at least), each loss on all training images.
                var estimator = EvolutionStrategies.builder()
                        .population(Math.max(1, b / 2))
                        .sigma(0.05f)
                        .antithetic(true)
                        .rankShaping(false)
                        .seed(run.seed + 1000 + i)
                        .build();
                GradientNoise.Stats e = GradientNoise.estimator(net, train, full, estimator, Math.min(3, draws));
                minibatch[0][i] = b;
                minibatch[1][i] = m.cosine();
                minibatch[2][i] = m.relativeVariance();
                es[0][i] = 2 * Math.max(1, b / 2);
                es[1][i] = e.cosine();
                es[2][i] = e.relativeVariance();
                stdout.print(Text.format(
                        "%8d  %14.4f  %14.4g  %14.4f  %14.4g%n",
                        b, m.cosine(), m.relativeVariance(), e.cosine(), e.relativeVariance()));
                stdout.flush();
                csv.write(Text.format("minibatch,%d,%.6f,%.6g,%d%n", b, m.cosine(), m.relativeVariance(), draws));
                csv.write(Text.format(
                        "es_antithetic,%d,%.6f,%.6g,%d%n",
                        (int) es[0][i], e.cosine(), e.relativeVariance(), e.draws()));
            }
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        curves.put("mini-batch gradient of B images", minibatch);
        curves.put("ES, N loss evaluations on all " + train.size() + " images", es);
        GradientStatsCharts.noise(
                dir.resolve("noise.png"), a.layers(), "B images (mini-batch) or N loss evaluations (ES)", curves);
    }

    /** FGSM on the trained reference network: accuracy against ε, and a strip of adversarial images. */
    private void fgsm(DataSplit split, Path dir) throws IOException {
        Dataset test = split.test();
        Sequential net;
        String what;
        if (weights != null) {
            SavedModel saved = ModelFile.load(weights);
            net = saved.model();
            what = saved.spec() + " from " + weights;
        } else {
            Architecture a =
                    Architecture.of(test.features(), new int[] {hidden}, test.classes(), Activation.SIGMOID, false);
            net = a.build(run.seed);
            Trainer.builder()
                    .model(net)
                    .estimator(new Backprop())
                    .optimizer(new Sgd(net.parameters(), 0.1f, 0.9f))
                    .train(split.train())
                    .test(test)
                    .epochs(trainEpochs)
                    .batchSize(Math.min(100, split.train().size()))
                    .seed(run.seed)
                    .build()
                    .run();
            what = a + ", trained by backprop (SGD lr 0.1 momentum 0.9, batch 100, " + trainEpochs + " epochs)";
        }
        stdout.print(Text.format(
                "%nFGSM: x' = clip(x + ε·sign(∂L/∂x), 0, 1) on the %d test images; %s%n", test.size(), what));
        double[] eps = new double[epsilons.length];
        double[] acc = new double[epsilons.length];
        try (var csv = Files.newBufferedWriter(dir.resolve("fgsm.csv"))) {
            csv.write("epsilon,test_accuracy\n");
            for (int i = 0; i < epsilons.length; i++) {
                eps[i] = epsilons[i];
                acc[i] = Metrics.accuracy(net, Fgsm.perturb(net, test, epsilons[i]));
                stdout.print(Text.format("  ε = %-5s test accuracy %6.2f%%%n", epsilons[i], 100 * acc[i]));
                csv.write(Text.format("%s,%.4f%n", epsilons[i], acc[i]));
            }
        }
        stdout.flush();
        GradientStatsCharts.accuracy(dir.resolve("fgsm.png"), "FGSM on " + what.split(",")[0], eps, acc);

        int show = Math.min(10, test.size());
        float shown = 0.1f;
        int f = test.features();
        Dataset first = test.slice(0, show);
        Tensor x = first.imagesTensor();
        int[] labels = first.labels();
        Tensor adversarial = Fgsm.perturb(net, x, labels, shown);
        int[] before = predict(net, x);
        int[] after = predict(net, adversarial);
        String[][] captions = new String[2][show];
        for (int k = 0; k < show; k++) {
            captions[0][k] = "true " + name(labels[k]) + "\nsays " + name(before[k]);
            captions[1][k] = "ε=" + shown + "\nsays " + name(after[k]) + (after[k] == labels[k] ? "" : " ✗");
        }
        int side = (int) Math.round(Math.sqrt(f));
        GradientStatsCharts.images(
                dir.resolve("fgsm-examples.png"),
                "the first " + show + " test images (top) and their" + " FGSM copies at ε = " + shown
                        + " (bottom), with the network's answers",
                new float[][] {x.data(), adversarial.data()},
                side,
                f / side,
                show,
                captions);
    }

    private static int[] predict(Sequential net, Tensor x) {
        try (var scope = Tape.noGrad()) {
            float[] best = net.forward(x).argmax(1).data();
            int[] classes = new int[best.length];
            Arrays.setAll(classes, r -> (int) best[r]);
            return classes;
        }
    }

    private static String name(int label) {
        return label >= 0 && label < CLASSES.length ? CLASSES[label] : Integer.toString(label);
    }

    /** a / b, or what it means when b vanished to 0. */
    private static String ratio(double a, double b) {
        return b == 0 ? (a == 0 ? "both 0" : "∞ (W1's is 0)") : Text.format("%.3e", a / b);
    }

    private static double norm(float[] g) {
        double sum = 0;
        for (float v : g) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Tanh;
import java.util.List;
import java.util.SplittableRandom;

/** Small models and batches shared by the tests. */
final class Fixtures {

    private Fixtures() {}

    /** 6-5-3 with biases and tanh: D = 53 parameters. */
    static Sequential tiny() {
        return new Sequential(new Linear(6, 5, true, 11), new Tanh(), new Linear(5, 3, true, 12));
    }

    /** 100-64-10 with ReLU, biases only on the first layer: D = 7,114, more than one noise slice. */
    static Sequential wide() {
        return new Sequential(new Linear(100, 64, true, 21), new ReLU(), new Linear(64, 10, false, 22));
    }

    static Tensor inputs(int rows, int features, long seed) {
        return Tensor.normal(seed, 0f, 1f, rows, features);
    }

    static int[] labels(int rows, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(classes);
        }
        return labels;
    }

    /** The same network behind an opaque module, so estimators take their generic path. */
    static Module opaque(Module inner) {
        return new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return inner.forward(x);
            }

            @Override
            public List<Tensor> parameters() {
                return inner.parameters();
            }
        };
    }

    /** Runs the estimator and returns the flat gradient it set. */
    static float[] gradient(GradientEstimator e, Module model, Tensor x, int[] labels, long step) {
        e.estimate(model, x, labels, step);
        float[] g = new float[Parameters.count(model.parameters())];
        Parameters.flattenGrads(model.parameters(), g);
        return g;
    }
}

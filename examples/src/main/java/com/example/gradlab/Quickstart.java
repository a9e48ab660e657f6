package com.example.gradlab;

import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.optim.Sgd;
import dev.gradlab.optim.Trainer;
import dev.gradlab.optim.TrainingResult;
import dev.gradlab.simd.Simd;

/** The README's program: an MLP with a user's activation, trained by backprop on the embedded subset. */
public final class Quickstart {

    public static void main(String[] args) {
        System.out.println("gradlab kernels: " + Simd.describe());
        var g = new TorchGenerator(42);
        var model = new Sequential(new Linear(784, 128, true, g), new SiluLayer(), new Linear(128, 10, true, g));
        DataSplit data = FashionMnist.subset();              // 1000 training and 1000 test images, offline
        TrainingResult result = Trainer.builder().model(model)
                .optimizer(new Sgd(model.parameters(), 0.05f, 0.9f))
                .train(data.train()).test(data.test()).epochs(10).batchSize(100).seed(1)
                .build().run();
        System.out.printf("test accuracy %.1f%% after %d epochs%n", 100 * result.testAccuracy(), result.epochs());
    }
}

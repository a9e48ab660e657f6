package dev.gradlab.core.nn;

import dev.gradlab.core.TorchGenerator;

/** Convnets that experiments and comparisons with PyTorch share. */
public final class Convnets {

    /** Parameters of {@link #reference}: 16·25 + 16 + 32·16·25 + 32 + 512·10 + 10. */
    public static final int REFERENCE_PARAMETERS = 18_378;

    private Convnets() {}

    /**
     * The small convnet of the PyTorch reference runs ({@code pytorch_train.py --model cnn}) for
     * 28×28 grey images given as rows of 784 pixels: unflatten to (N, 1, 28, 28), conv 5×5 1→16,
     * ReLU, max-pool 2, conv 5×5 16→32, ReLU, max-pool 2, flatten (512), linear 512→10; no padding,
     * with biases. Its parameters are those of
     * {@code torch.manual_seed(seed); nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 5), ...)},
     * to the bit, and in the same order.
     */
    public static Sequential reference(long seed) {
        return reference(new TorchGenerator(seed));
    }

    /** As {@link #reference(long)}, with the layers drawn in order from {@code generator}. */
    public static Sequential reference(TorchGenerator generator) {
        return new Sequential(
                new Unflatten(1, 1, 28, 28),
                new Conv2d(1, 16, 5, generator),
                new ReLU(),
                new MaxPool2d(2),
                new Conv2d(16, 32, 5, generator),
                new ReLU(),
                new MaxPool2d(2),
                new Flatten(),
                new Linear(512, 10, true, generator));
    }
}

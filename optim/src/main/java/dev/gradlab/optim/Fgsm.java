package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Losses;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.data.Dataset;
import java.util.Arrays;

/**
 * The fast gradient sign method (Goodfellow, Shlens and Szegedy 2014): an adversarial example moves
 * every input by ε in the direction that raises the loss, {@code x' = clip(x + ε·sign(∂L/∂x), 0, 1)},
 * where {@code ∂L/∂x} is the gradient of the mean cross-entropy with respect to the input, taken on
 * the tape ({@code x.requiresGrad(true)}, backward, {@code x.grad()}).
 */
public final class Fgsm {

    private Fgsm() {}

    /**
     * The gradient of the mean cross-entropy of {@code model} on {@code (x, labels)} with respect to
     * {@code x} (rows × features). Clears the parameters' gradients; their values are left as they were.
     */
    public static Tensor inputGradient(Module model, Tensor x, int[] labels) {
        Checks.batch(x, labels);
        Tensor input = x.copy().requiresGrad(true);
        Losses.crossEntropy(model.forward(input), labels).backward();
        for (Tensor p : model.parameters()) {
            p.zeroGrad();
        }
        return input.grad();
    }

    /**
     * Adversarial copies of {@code x}: {@code clip(x + epsilon·sign(∂L/∂x), 0, 1)}, pixels in [0, 1].
     *
     * @throws IllegalArgumentException when {@code epsilon} is negative or not finite
     */
    public static Tensor perturb(Module model, Tensor x, int[] labels, float epsilon) {
        if (!(epsilon >= 0) || !Float.isFinite(epsilon)) {
            throw new InvalidSettingException("epsilon", "must be a finite number >= 0, got " + epsilon);
        }
        float[] g = inputGradient(model, x, labels).data();
        float[] out = x.data().clone();
        for (int i = 0; i < out.length; i++) {
            float moved = out[i] + epsilon * Math.signum(g[i]);
            out[i] = Math.min(1f, Math.max(0f, moved));
        }
        return Tensor.wrap(out, x.shape());
    }

    /** The dataset with every image replaced by its adversarial copy at {@code epsilon}, labels unchanged. */
    public static Dataset perturb(Module model, Dataset data, float epsilon) {
        Tensor adversarial = perturb(model, data.imagesTensor(), data.labels(), epsilon);
        return new Dataset(
                adversarial.data(), Arrays.copyOf(data.labels(), data.size()), data.features(), data.classes());
    }
}

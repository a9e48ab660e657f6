package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.List;

/**
 * Stops a training run the moment it diverges, naming the step and the epoch counted from 1 as the
 * training output counts them: a batch loss or a test loss that is NaN, infinite or above the bound,
 * or a weight that is NaN or infinite after an optimizer step. The weights are scanned after every
 * step with one vectorized sum of squares per parameter tensor, which is finite exactly when every
 * weight is finite and the tensor's norm has not overflowed; only a failing scan looks for the element.
 */
final class DivergenceGuard {

    /**
     * The default bound on a loss. Cross-entropy over 10 classes starts near ln 10 ≈ 2.3 and a loss of
     * 10,000 means the right class's logit is 10,000 below the largest: the run has blown up, even if
     * it has not yet reached infinity or NaN.
     */
    static final float DEFAULT_MAX_LOSS = 1e4f;

    private static final String ADVICE = ": training diverged; lower the learning rate or sigma";

    private final List<Tensor> parameters;
    private final float maxLoss;

    /** {@code maxLoss} of {@code +∞} turns the bound off; NaN and infinite values are always an error. */
    DivergenceGuard(List<Tensor> parameters, float maxLoss) {
        this.parameters = parameters;
        this.maxLoss = maxLoss;
    }

    /** Checks the loss of batch {@code batch} of epoch {@code epoch} (both from 0), global step {@code step} (from 0). */
    void checkBatchLoss(int epoch, int batch, long step, float loss) {
        if (!Float.isFinite(loss)) {
            throw new TrainingDivergedException(epoch, batch, step, loss);
        }
        if (loss > maxLoss) {
            throw new TrainingDivergedException(
                    epoch,
                    batch,
                    step,
                    loss,
                    "loss is " + loss + " at " + where(epoch, batch, step) + ", above the bound of " + maxLoss + ADVICE
                            + ", or raise the bound (or turn it off)");
        }
    }

    /** Checks the weights after the optimizer step of that batch. */
    void checkWeights(int epoch, int batch, long step) {
        String what = firstNonFinite(false);
        if (what != null) {
            throw new TrainingDivergedException(
                    epoch,
                    batch,
                    step,
                    Float.NaN,
                    "weights are not finite after " + where(epoch, batch, step) + ": " + what + ADVICE);
        }
    }

    /**
     * Checks the gradient the estimator set for that batch, before the optimizer uses it. With a finite
     * loss, a non-finite estimate comes from dividing by a perturbation too small for float32.
     */
    void checkGradient(int epoch, int batch, long step, float loss) {
        String what = firstNonFinite(true);
        if (what != null) {
            throw new TrainingDivergedException(
                    epoch,
                    batch,
                    step,
                    loss,
                    "gradient is not finite at "
                            + where(epoch, batch, step) + " while the loss is " + loss + ": " + what
                            + "; with es or fd, sigma (the perturbation) is too small for float32: raise it");
        }
    }

    /** Null if every weight (or gradient) is finite, else which tensor and element is not. */
    private String firstNonFinite(boolean gradients) {
        for (int t = 0; t < parameters.size(); t++) {
            Tensor p = gradients ? parameters.get(t).grad() : parameters.get(t);
            if (p == null) {
                continue;
            }
            float[] w = p.data();
            if (Float.isFinite(Simd.kernels().dot(w, 0, w, 0, p.size()))) {
                continue;
            }
            String name = (gradients ? "the gradient of parameter " : "parameter ") + t;
            for (int i = 0; i < p.size(); i++) {
                if (!Float.isFinite(w[i])) {
                    return name + " has " + w[i] + " at index " + i;
                }
            }
            return "the sum of squares of " + name + " overflows";
        }
        return null;
    }

    /** Checks the test loss after epoch {@code epoch} (from 0). */
    void checkTestLoss(int epoch, long step, float loss) {
        if (!Float.isFinite(loss) || loss > maxLoss) {
            throw new TrainingDivergedException(
                    epoch,
                    -1,
                    step,
                    loss,
                    "test loss is " + loss + " after epoch " + (epoch + 1)
                            + (Float.isFinite(loss) ? ", above the bound of " + maxLoss : "") + ADVICE);
        }
    }

    private static String where(int epoch, int batch, long step) {
        return "step " + (step + 1) + " (epoch " + (epoch + 1) + ", batch " + (batch + 1) + ")";
    }
}

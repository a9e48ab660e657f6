package dev.gradlab.core.nn;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.ops.DropoutFunction;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Dropout as PyTorch's {@code nn.Dropout(p)}: in training mode each element is zeroed with
 * probability p and the rest are scaled by {@code 1/(1 − p)} (see {@link DropoutFunction}); in
 * evaluation mode it is the identity. The masks come from a generator seeded at construction, so a
 * run is reproducible; they are not PyTorch's masks. Not for concurrent forwards in training mode
 * (one generator is consumed in order); populations run in evaluation mode.
 */
public final class Dropout implements Module {

    private final float p;
    private final SplittableRandom random;
    private boolean training = true;

    /**
     * @param p    the probability of zeroing an element, in [0, 1]
     * @param seed seeds the masks
     * @throws InvalidSettingException when p is outside [0, 1]
     */
    public Dropout(float p, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidSettingException("p", "must be in [0, 1], got " + p);
        }
        this.p = p;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Tensor forward(Tensor x) {
        return training && p > 0 ? new DropoutFunction(p, random).apply(x) : x;
    }

    @Override
    public Dropout train(boolean mode) {
        training = mode;
        return this;
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    @Override
    public List<Tensor> parameters() {
        return List.of();
    }

    /** The probability of zeroing an element. */
    public float p() {
        return p;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}

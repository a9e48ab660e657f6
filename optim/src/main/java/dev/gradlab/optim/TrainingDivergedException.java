package dev.gradlab.optim;

/**
 * Training produced a NaN or infinite loss, a loss above the bound, or non-finite weights; the message
 * names where, counting steps, epochs and batches from 1 as the training output does.
 */
public final class TrainingDivergedException extends RuntimeException {

    private final int epoch;
    private final int batch;
    private final long step;
    private final float loss;

    public TrainingDivergedException(int epoch, int batch, long step, float loss) {
        this(
                epoch,
                batch,
                step,
                loss,
                "loss is " + loss + " at step " + (step + 1) + " (epoch " + (epoch + 1) + ", batch " + (batch + 1)
                        + "): training diverged; lower the learning rate or sigma");
    }

    TrainingDivergedException(int epoch, int batch, long step, float loss, String message) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.step = step;
        this.loss = loss;
    }

    /** The epoch, counted from 0. */
    public int epoch() {
        return epoch;
    }

    /** The batch within the epoch, counted from 0; -1 when the test loss diverged. */
    public int batch() {
        return batch;
    }

    /** The global step, counted from 0 over all epochs. */
    public long step() {
        return step;
    }

    /** The diverged loss, or NaN when the weights diverged. */
    public float loss() {
        return loss;
    }
}

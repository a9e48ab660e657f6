package dev.gradlab.optim;

/** Training produced a NaN or infinite loss; the message names where. */
public final class TrainingDivergedException extends RuntimeException {

    private final int epoch;
    private final int batch;
    private final long step;
    private final float loss;

    public TrainingDivergedException(int epoch, int batch, long step, float loss) {
        super("loss is " + loss + " at step " + step + " (epoch " + epoch + ", batch " + batch
                + "): training diverged; lower the learning rate or sigma");
        this.epoch = epoch;
        this.batch = batch;
        this.step = step;
        this.loss = loss;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }

    /** The global step, counted from 0 over all epochs. */
    public long step() {
        return step;
    }

    public float loss() {
        return loss;
    }
}

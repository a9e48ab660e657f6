package dev.gradlab.optim;

/**
 * One parameter's optimizer state: how many steps it has taken and the update rule's buffers
 * (null until the rule first creates them), as an entry of {@code torch.optim.Optimizer.state}.
 * The scratch array is working memory of one step, never saved.
 */
public final class ParamState {

    private final int size;
    private final float[][] buffers;
    private long step;
    private float[] scratch;

    ParamState(int size, int bufferCount) {
        this.size = size;
        this.buffers = new float[bufferCount][];
    }

    /** Steps taken, counting the one in progress while {@link Optimizer#update} runs. */
    public long step() {
        return step;
    }

    /** Buffer {@code k}, in the order the optimizer named them; null until set. */
    public float[] buffer(int k) {
        return buffers[k];
    }

    /** Buffer {@code k}, created zero-filled on first use. */
    public float[] zeroBuffer(int k) {
        if (buffers[k] == null) {
            buffers[k] = new float[size];
        }
        return buffers[k];
    }

    public void setBuffer(int k, float[] values) {
        if (values != null && values.length != size) {
            throw new IllegalArgumentException("buffer " + k + " must have " + size + " values, got " + values.length);
        }
        buffers[k] = values;
    }

    /** An array of the parameter's size for intermediate values; its contents are not kept. */
    public float[] scratch() {
        if (scratch == null) {
            scratch = new float[size];
        }
        return scratch;
    }

    void advance() {
        step++;
    }

    void restore(long step) {
        this.step = step;
    }
}

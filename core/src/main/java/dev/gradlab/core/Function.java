package dev.gradlab.core;

import java.util.Arrays;

/**
 * A differentiable operation with an explicit forward and backward, like PyTorch's
 * {@code torch.autograd.Function}. Subclass it, then call {@link #apply} on a new instance for each
 * use: the instance is the context of that one call (PyTorch's {@code ctx}), so
 * {@link #saveForBackward} and plain fields carry what backward needs from forward.
 *
 * <pre>{@code
 * final class Square extends Function {          // y = x², dy/dx = 2x
 *     protected Tensor forward(Tensor... in) {
 *         Tensor x = in[0], y = newTensorLike(x);
 *         saveForBackward(x);
 *         for (int i = 0; i < x.size(); i++) y.data()[i] = x.data()[i] * x.data()[i];
 *         return y;
 *     }
 *     protected Tensor[] backward(Tensor gy) {
 *         Tensor x = saved(0), gx = newTensorLike(x);
 *         for (int i = 0; i < x.size(); i++) gx.data()[i] = 2 * x.data()[i] * gy.data()[i];
 *         return new Tensor[] {gx};
 *     }
 * }
 * Tensor y = new Square().apply(x);
 * }</pre>
 *
 * <p>The call is recorded on the tape only when some input requires a gradient and no
 * {@link Tape#noGrad()} scope is active; forward itself runs without recording, so ops it uses
 * internally are not part of the graph.
 */
public abstract class Function {

    private static final Tensor[] NONE = new Tensor[0];

    private enum State {
        NEW,
        RECORDED,
        DONE,
        RELEASED
    }

    private State state = State.NEW;
    /** Which inputs need a gradient; the tape reads it too. */
    boolean[] needsInputGrad;

    private Tensor[] saved = NONE;
    /** The saved tensors' versions when saved, checked before backward; null when not recording. */
    private int[] savedVersions;
    /** True while forward runs for a call that will be recorded. */
    private boolean recording;
    /** The inputs, kept while recorded so that backward can reach them. */
    Tensor[] inputs;
    /** The gradient flowing into this function's output, summed over its consumers during backward. */
    Tensor outputGrad;
    /** Traversal mark used by {@link Tape}. */
    boolean visited;

    /**
     * Computes the output from the inputs. May call {@link #saveForBackward} and set fields for
     * {@link #backward}; may read {@link #needsInputGrad(int)} to skip work. Must return a new tensor.
     */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * Given the gradient of the loss with respect to the output (same shape as the output), returns
     * one gradient per input, each of its input's shape, or null for inputs that need none. A backward
     * may return {@code gradOutput} itself, a saved tensor, or one tensor for several inputs: the
     * tape copies those before accumulating. A tensor this backward allocates (with
     * {@link #newTensor} and the like, or a {@link Workspace}) and returns becomes the tape's, which
     * accumulates other gradients into it: do not keep it.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /**
     * What this function computes, in two lines of math for drawings and traces of the tape
     * ({@link TapeGraph}); for ReQU {@code z = x²·[x>0]} and {@code ∂L/∂x = ∂L/∂z·2x·[x>0]}.
     *
     * @param forward the output in terms of the inputs
     * @param backward the gradient of each input in terms of the output's gradient {@code ∂L/∂z}
     */
    public record Formula(String forward, String backward) {}

    /** This function's {@link Formula}, or null (the default) when it gives none. */
    protected Formula formula() {
        return null;
    }

    /**
     * Runs {@link #forward} on {@code inputs} and records this call on the tape when some input
     * requires a gradient and recording is on. The inputs array is kept, not copied.
     *
     * @throws IllegalStateException when this instance was applied before, or forward returned null
     *     or one of its inputs
     */
    public final Tensor apply(Tensor... inputs) {
        if (state != State.NEW) {
            throw new IllegalStateException(name() + " was already applied; a Function instance is the context"
                    + " of one call, create a new one per call");
        }
        boolean recording = Tape.isRecording();
        boolean any = false;
        needsInputGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException(name() + ": input " + i + " is null");
            }
            needsInputGrad[i] = recording && inputs[i].requiresGrad();
            any |= needsInputGrad[i];
        }
        Tensor output;
        this.recording = any;
        Tape.pause();
        try {
            output = forward(inputs);
        } finally {
            Tape.resume();
        }
        if (output == null) {
            throw new IllegalStateException(name() + ".forward returned null");
        }
        for (Tensor input : inputs) {
            if (output == input) {
                throw new IllegalStateException(name() + ".forward returned its input; it must return a new tensor");
            }
        }
        if (any) {
            if (output.creator != null) {
                throw new IllegalStateException(name() + ".forward returned a tensor already produced by "
                        + output.creator.name() + "; it must return a new tensor");
            }
            this.inputs = inputs;
            output.creator = this;
            state = State.RECORDED;
            Tape.recorded(this, output);
        } else {
            saved = NONE;
            savedVersions = null;
            state = State.DONE;
        }
        return output;
    }

    /**
     * Keeps tensors for {@link #backward}; read them back with {@link #saved(int)}. Their
     * {@link Tensor#version() versions} are noted, and backward refuses to run when one has changed
     * since (an optimizer step between forward and backward, for instance).
     */
    protected final void saveForBackward(Tensor... tensors) {
        saved = tensors;
        if (recording) {
            savedVersions = new int[tensors.length];
            for (int i = 0; i < tensors.length; i++) {
                savedVersions[i] = tensors[i] == null ? 0 : tensors[i].version;
            }
        }
    }

    /**
     * Throws when a tensor saved for backward was modified in place after it was saved, naming it.
     */
    void checkSavedVersions() {
        if (savedVersions == null) {
            return;
        }
        for (int i = 0; i < saved.length; i++) {
            Tensor t = saved[i];
            if (t != null && t.version != savedVersions[i]) {
                throw new IllegalStateException("backward(): one of the tensors needed for gradient computation has"
                        + " been modified by an in-place operation: " + name() + " saved tensor " + i + " ("
                        + (t.isLeaf()
                                ? (t.requiresGrad() ? "a leaf that requires grad" : "a leaf")
                                : "made by " + t.creator.name())
                        + ", shape " + Arrays.toString(t.shapeRef()) + ") at version "
                        + savedVersions[i] + ", and it is now at version " + t.version + " (an optimizer step,"
                        + " zeroGrad or loading values changed it); call backward before optimizer.step(), or"
                        + " recompute the forward pass");
            }
        }
    }

    /** Tensor {@code i} of those passed to {@link #saveForBackward}. */
    protected final Tensor saved(int i) {
        if (state == State.RELEASED) {
            throw new IllegalStateException(name() + ": saved tensors were released after backward");
        }
        if (i < 0 || i >= saved.length) {
            throw new IllegalArgumentException(
                    name() + ": saved tensor index " + i + " out of range, " + saved.length + " saved");
        }
        return saved[i];
    }

    /** True when input {@code i} requires a gradient, so that backward must return one for it. */
    protected final boolean needsInputGrad(int i) {
        if (needsInputGrad == null || i < 0 || i >= needsInputGrad.length) {
            throw new IllegalArgumentException(name() + ": input index " + i + " out of range for "
                    + (needsInputGrad == null ? 0 : needsInputGrad.length) + " inputs");
        }
        return needsInputGrad[i];
    }

    /**
     * A zero-filled tensor for an output or a gradient. Inside a {@link Workspace} scope its storage
     * is lent by the workspace and reused after the scope closes; otherwise it is newly allocated.
     */
    protected static Tensor newTensor(int... shape) {
        return Workspace.allocate(shape.clone(), true);
    }

    /** A zero-filled tensor of {@code like}'s shape; see {@link #newTensor}. */
    protected static Tensor newTensorLike(Tensor like) {
        return Workspace.allocate(like.shapeRef(), true);
    }

    /**
     * As {@link #newTensor}, with unspecified contents inside a {@link Workspace} scope (stale values
     * of an earlier step): for an output or a gradient that is written whole before it is read.
     */
    protected static Tensor newUninitialized(int... shape) {
        return Workspace.allocate(shape.clone(), false);
    }

    /** As {@link #newTensorLike}, with unspecified contents; see {@link #newUninitialized}. */
    protected static Tensor newUninitializedLike(Tensor like) {
        return Workspace.allocate(like.shapeRef(), false);
    }

    /** Throws unless {@code t} has the expected shape, naming both shapes. */
    protected final void checkShape(String what, Tensor t, int... expected) {
        if (!Arrays.equals(t.shapeRef(), expected)) {
            throw new IllegalArgumentException(name() + ": " + what + " must have shape " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(t.shapeRef()));
        }
    }

    /** The name used in messages: the simple class name. */
    protected String name() {
        return getClass().getSimpleName();
    }

    /** True when {@code t} is one of this call's inputs or saved tensors. */
    boolean keeps(Tensor t) {
        for (Tensor input : inputs) {
            if (input == t) {
                return true;
            }
        }
        for (Tensor s : saved) {
            if (s == t) {
                return true;
            }
        }
        return false;
    }

    boolean isReleased() {
        return state == State.RELEASED;
    }

    /** Drops everything this call kept for backward, so that the graph can be collected. */
    void release() {
        visited = false;
        inputs = null;
        saved = NONE;
        savedVersions = null;
        outputGrad = null;
        state = State.RELEASED;
    }
}

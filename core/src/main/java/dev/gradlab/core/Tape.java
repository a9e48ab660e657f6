package dev.gradlab.core;

import java.util.Arrays;

/**
 * The tape: which {@link Function} calls are recorded, and the reverse traversal that turns a loss
 * into gradients. Recording state is per thread; graphs are meant to be built and differentiated on
 * one thread.
 */
public final class Tape {

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private Tape() {}

    /** Per-thread recording switches and the traversal's reusable arrays. */
    private static final class State {
        int noGradDepth;
        int pauseDepth;
        Function[] stack = new Function[64];
        int[] next = new int[64];
        Function[] order = new Function[64];
        /** The open {@link TapeGraph} recording on this thread, or null. */
        TapeGraph graph;
        /** The function whose backward runs on this thread, or null; see {@link #backwardAllocating()}. */
        Function inBackward;
        /** {@link #pauseDepth} when {@link #inBackward}'s backward started. */
        int inBackwardPause;
    }

    /**
     * Opens a scope, on this thread, in which no op is recorded (PyTorch's {@code torch.no_grad()}):
     * {@code try (var scope = Tape.noGrad()) { ... }}. Scopes nest.
     */
    public static NoGrad noGrad() {
        STATE.get().noGradDepth++;
        return new NoGrad(Thread.currentThread());
    }

    /** True when ops on this thread are recorded (no {@link #noGrad()} scope is open). */
    public static boolean isRecording() {
        State s = STATE.get();
        return s.noGradDepth == 0 && s.pauseDepth == 0;
    }

    /** The scope returned by {@link #noGrad()}; closing it twice is harmless. */
    public static final class NoGrad implements AutoCloseable {
        private final Thread owner;
        private boolean closed;

        private NoGrad(Thread owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException(
                        "a no-grad scope must be closed on the thread that opened it (" + owner.getName() + "), not on "
                                + Thread.currentThread().getName());
            }
            closed = true;
            STATE.get().noGradDepth--;
        }
    }

    /** Recording off while a Function's forward runs, so that ops it uses inside are not recorded. */
    static void pause() {
        STATE.get().pauseDepth++;
    }

    static void resume() {
        STATE.get().pauseDepth--;
    }

    /** Opens a graph recording on this thread; see {@link TapeGraph#record()}. */
    static void startGraph(TapeGraph graph) {
        State s = STATE.get();
        if (s.graph != null) {
            throw new IllegalStateException("a TapeGraph is already recording on this thread; close it first");
        }
        s.graph = graph;
    }

    static void stopGraph(TapeGraph graph) {
        State s = STATE.get();
        if (s.graph == graph) {
            s.graph = null;
        }
    }

    /** Called by {@link Function#apply} for each call it records. */
    static void recorded(Function f, Tensor output) {
        TapeGraph graph = STATE.get().graph;
        if (graph != null) {
            graph.onRecorded(f, output);
        }
    }

    /** See {@link Tensor#backward()}. */
    static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new IllegalStateException(
                    "backward() needs a one-element tensor (a loss), shape is " + Arrays.toString(root.shapeRef()));
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): tensor " + Arrays.toString(root.shapeRef())
                    + " does not require a gradient; no input of the ops that made it requires one,"
                    + " or it was computed in a no-grad scope");
        }
        Tensor seed = Workspace.allocate(root.shapeRef(), false);
        seed.data()[0] = 1f;
        if (root.creator == null) {
            root.accumulateGrad(seed);
            return;
        }
        if (root.retainsGrad()) {
            root.accumulateGrad(seed);
        }
        State s = STATE.get();
        int n = sort(root.creator, s);
        try {
            root.creator.outputGrad = seed;
            for (int k = n - 1; k >= 0; k--) {
                propagate(s.order[k], s);
            }
        } finally {
            for (int k = 0; k < n; k++) {
                s.order[k].release();
                s.order[k] = null;
            }
        }
    }

    /**
     * The function whose backward is allocating on this thread, outside the forward of any op it
     * applies: a tensor allocated now is that backward's own.
     */
    static Function backwardAllocating() {
        State s = STATE.get();
        return s.inBackward != null && s.pauseDepth == s.inBackwardPause ? s.inBackward : null;
    }

    /**
     * Calls one function's backward and hands each input its gradient. A gradient the backward
     * allocated for this call becomes its producer's output gradient as it is; any other (g itself,
     * a tensor the function keeps, one returned for a second input) is copied, so that later
     * accumulation never writes into a tensor someone else holds.
     */
    private static void propagate(Function f, State s) {
        Tensor g = f.outputGrad;
        if (g == null) {
            return;
        }
        TapeGraph graph = s.graph;
        if (graph != null) {
            graph.onOutputGradient(f, g);
        }
        Tensor[] inputs = f.inputs;
        f.checkSavedVersions();
        Function outer = s.inBackward;
        int outerPause = s.inBackwardPause;
        s.inBackward = f;
        s.inBackwardPause = s.pauseDepth;
        Tensor[] grads;
        try {
            grads = f.backward(g);
        } finally {
            s.inBackward = outer;
            s.inBackwardPause = outerPause;
        }
        if (grads == null || grads.length != inputs.length) {
            throw new IllegalStateException(
                    f.name() + ".backward returned " + (grads == null ? "null" : grads.length + " gradients")
                            + ", expected one per input (" + inputs.length + ")");
        }
        for (int i = 0; i < inputs.length; i++) {
            Tensor gi = grads[i];
            if (gi == null || !f.needsInputGrad[i]) {
                continue;
            }
            Tensor input = inputs[i];
            if (!gi.sameShape(input)) {
                throw new IllegalStateException(f.name() + ".backward returned a gradient of shape "
                        + Arrays.toString(gi.shapeRef()) + " for input " + i + " of shape "
                        + Arrays.toString(input.shapeRef()));
            }
            if (graph != null) {
                graph.onInputGradient(f, i, gi);
            }
            Function producer = input.creator;
            if (producer == null || input.retainsGrad()) {
                input.accumulateGrad(gi);
            }
            if (producer == null) {
                continue;
            }
            if (producer.outputGrad == null) {
                producer.outputGrad = takeOwnership(f, g, gi) ? gi : copyOf(gi);
            } else {
                float[] src = gi.data();
                dev.gradlab.simd.Simd.kernels().axpy(src.length, 1f, src, 0, producer.outputGrad.data(), 0);
            }
        }
    }

    /**
     * True, and the tensor the tape's from now on, when {@code gi} was allocated by {@code f}'s
     * backward and is neither {@code g}, an op's output, nor one of {@code f}'s inputs or saved
     * tensors; the mark is cleared, so the same tensor returned for another input is copied.
     */
    private static boolean takeOwnership(Function f, Tensor g, Tensor gi) {
        if (gi.madeInBackwardOf != f || gi == g || gi.creator != null || f.keeps(gi)) {
            return false;
        }
        gi.madeInBackwardOf = null;
        return true;
    }

    private static Tensor copyOf(Tensor gi) {
        Tensor own = Workspace.allocate(gi.shapeRef(), false);
        System.arraycopy(gi.data(), 0, own.data(), 0, own.size());
        return own;
    }

    /**
     * Depth-first post-order from {@code root} over the functions whose outputs need a gradient,
     * with an explicit stack: producers come before their consumers in {@code s.order[0, n)}.
     */
    private static int sort(Function root, State s) {
        if (root.isReleased()) {
            throw released(root);
        }
        int n = 0;
        int sp = 0;
        root.visited = true;
        s.stack[sp] = root;
        s.next[sp++] = 0;
        try {
            while (sp > 0) {
                Function f = s.stack[sp - 1];
                int i = s.next[sp - 1];
                if (i < f.inputs.length) {
                    s.next[sp - 1] = i + 1;
                    Function c = f.inputs[i].creator;
                    if (c != null && f.needsInputGrad[i] && !c.visited) {
                        if (c.isReleased()) {
                            throw released(c);
                        }
                        c.visited = true;
                        if (sp == s.stack.length) {
                            s.stack = Arrays.copyOf(s.stack, sp * 2);
                            s.next = Arrays.copyOf(s.next, sp * 2);
                        }
                        s.stack[sp] = c;
                        s.next[sp++] = 0;
                    }
                } else {
                    s.stack[--sp] = null;
                    if (n == s.order.length) {
                        s.order = Arrays.copyOf(s.order, n * 2);
                    }
                    s.order[n++] = f;
                }
            }
        } catch (RuntimeException e) {
            for (int k = 0; k < sp; k++) {
                s.stack[k].visited = false;
                s.stack[k] = null;
            }
            for (int k = 0; k < n; k++) {
                s.order[k].visited = false;
                s.order[k] = null;
            }
            throw e;
        }
        return n;
    }

    private static IllegalStateException released(Function f) {
        return new IllegalStateException("backward() through " + f.name() + " whose graph was already released by an"
                + " earlier backward(); recompute the forward pass");
    }
}

package dev.gradlab.core;

import dev.gradlab.core.ops.Add;
import dev.gradlab.core.ops.AddBias;
import dev.gradlab.core.ops.LogSoftmax;
import dev.gradlab.core.ops.MatMul;
import dev.gradlab.core.ops.Mean;
import dev.gradlab.core.ops.Mul;
import dev.gradlab.core.ops.ReLUFunction;
import dev.gradlab.core.ops.ReQUFunction;
import dev.gradlab.core.ops.SigmoidFunction;
import dev.gradlab.core.ops.Sum;
import dev.gradlab.core.ops.TanhFunction;
import java.util.Arrays;

/**
 * A float32, row-major tensor: a flat {@code float[]} and a shape. Tensors that require a gradient
 * receive one, of the same shape, when {@link #backward()} runs on a loss computed from them.
 *
 * <p>A tensor made by the factories below, or marked with {@link #requiresGrad(boolean)}, is a
 * leaf. A tensor returned by an op while the tape records is not: it remembers the {@link Function}
 * that made it, and that link is how {@link #backward()} finds its way back to the leaves. Like
 * PyTorch, only leaves keep a gradient after backward.
 */
public final class Tensor {

    final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private boolean retainsGrad;
    private Tensor grad;
    /** The storage of the last gradient cleared by {@link #zeroGrad()}, reused by the next backward. */
    private Tensor spareGrad;
    /** The function that produced this tensor while recording; null for leaves. */
    Function creator;
    /** Set when the workspace that lent this tensor its storage has closed. */
    boolean released;
    /** Per-thread values while a {@link Parameters#bindPerThread} scope is open on this tensor. */
    ThreadLocal<float[]> bound;

    Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], shape.clone());
    }

    /** A tensor holding a copy of {@code data}, whose length must equal the shape's size. */
    public static Tensor of(float[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return wrap(data.clone(), shape);
    }

    /** A tensor that views {@code data} without copying it; writes to either are seen by both. */
    public static Tensor wrap(float[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        int size = checkedSize(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("data has " + data.length + " elements, shape "
                    + Arrays.toString(shape) + " needs " + size);
        }
        return new Tensor(data, shape.clone());
    }

    /** A one-element tensor of rank 0. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /**
     * Independent uniform samples in {@code [lo, hi)}, reproducible from {@code seed}: the values of
     * {@code torch.manual_seed(seed); torch.empty(shape).uniform_(lo, hi)} (see {@link TorchGenerator}).
     */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        return uniform(new TorchGenerator(seed), lo, hi, shape);
    }

    /**
     * Independent uniform samples in {@code [lo, hi)}, drawn in row-major order from {@code generator},
     * as PyTorch's {@code torch.empty(shape).uniform_(lo, hi, generator=generator)}.
     */
    public static Tensor uniform(TorchGenerator generator, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        generator.fillUniform(t.data, 0, t.data.length, lo, hi);
        return t;
    }

    /** Independent normal samples, reproducible from {@code seed}. */
    public static Tensor normal(long seed, float mean, float std, int... shape) {
        Tensor t = zeros(shape);
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = mean + std * (float) random.nextGaussian();
        }
        return t;
    }

    static int checkedSize(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) size;
    }

    /**
     * The live backing array.
     *
     * @throws IllegalStateException when this tensor came from a {@link Workspace} that has closed
     */
    public float[] data() {
        if (released) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " was released when the workspace"
                    + " that made it closed; copy the values you keep before closing it");
        }
        ThreadLocal<float[]> b = bound;
        if (b != null) {
            float[] values = b.get();
            if (values != null) {
                return values;
            }
        }
        return data;
    }

    /** The shape array itself, for this package: never modified. */
    int[] shapeRef() {
        return shape;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** True when {@code other} has the same shape as this tensor. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + Arrays.toString(shape));
        }
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, shape is " + Arrays.toString(shape));
        }
        return data()[0];
    }

    /** A new leaf tensor with a copy of this one's values, outside any graph and any workspace. */
    public Tensor copy() {
        return new Tensor(data().clone(), shape);
    }

    /** True for a leaf marked as needing a gradient, and for every output the tape recorded. */
    public boolean requiresGrad() {
        return requiresGrad || creator != null;
    }

    /**
     * Marks this leaf as one whose gradient is wanted; returns this.
     *
     * @throws IllegalStateException on a tensor produced by a recorded op (it already requires one)
     */
    public Tensor requiresGrad(boolean requiresGrad) {
        if (creator != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf; tensor " + Arrays.toString(shape)
                    + " was produced by " + creator.getClass().getSimpleName());
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /**
     * Asks backward to keep this tensor's gradient in {@link #grad()} even though a recorded op
     * produced it, as PyTorch's {@code retain_grad()}; on a leaf it does nothing. Returns this.
     */
    public Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainsGrad;
    }

    /** True when no recorded op produced this tensor. */
    public boolean isLeaf() {
        return creator == null;
    }

    /** The accumulated gradient, or null when none has been computed or set. */
    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient (null clears it); its shape must equal this tensor's. */
    public void setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape, shape)) {
            throw new IllegalArgumentException("gradient shape " + Arrays.toString(grad.shape)
                    + " does not match tensor shape " + Arrays.toString(shape));
        }
        this.grad = grad;
        this.spareGrad = null;
    }

    /**
     * Clears the gradient, like PyTorch's {@code zero_grad(set_to_none=True)}: {@link #grad()} reads
     * null afterwards. The cleared gradient's storage is kept and the next backward writes into it, so
     * the training loop allocates nothing per step; copy a gradient before this call if you keep it.
     */
    public void zeroGrad() {
        if (grad != null) {
            spareGrad = grad;
        }
        grad = null;
    }

    /** {@code grad += g}, creating the gradient (reusing spare storage) when there is none. */
    void accumulateGrad(Tensor g) {
        float[] source = g.data();
        if (grad == null) {
            System.arraycopy(source, 0, gradStorage().data, 0, source.length);
        } else {
            dev.gradlab.simd.Simd.kernels().axpy(source.length, 1f, source, 0, grad.data(), 0);
        }
    }

    /**
     * The gradient, created when null from the storage {@link #zeroGrad()} kept or a new array; a
     * created one holds stale values or zeros, so the caller overwrites it.
     */
    Tensor gradStorage() {
        if (grad == null) {
            grad = spareGrad != null && !spareGrad.released && Arrays.equals(spareGrad.shape, shape)
                    ? spareGrad : new Tensor(new float[data.length], shape);
            spareGrad = null;
        }
        return grad;
    }

    /**
     * Computes the gradient of this one-element tensor with respect to every leaf that requires one
     * and adds it to the leaf's {@link #grad()}; then releases the graph.
     *
     * @throws IllegalStateException when this tensor has more than one element, does not require a
     *     gradient, or its graph was already released by an earlier backward
     */
    public void backward() {
        Tape.backward(this);
    }

    // ---- ops: each one a Function, recorded when an input requires a gradient ----

    /** The matrix product {@code this · other} of two rank-2 tensors. */
    public Tensor matmul(Tensor other) {
        return new MatMul(false, false).apply(this, other);
    }

    /** The matrix product {@code op(this) · op(other)}, where op transposes when asked. */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return new MatMul(transposeThis, transposeOther).apply(this, other);
    }

    /**
     * {@code this + other}: elementwise for equal shapes, or a rank-1 {@code other} whose length is
     * this tensor's last dimension, added to every row (a bias).
     */
    public Tensor add(Tensor other) {
        if (!sameShape(other) && other.rank() == 1 && rank() == 2) {
            return new AddBias().apply(this, other);
        }
        return new Add().apply(this, other);
    }

    /** The elementwise product of two tensors of one shape. */
    public Tensor mul(Tensor other) {
        return new Mul().apply(this, other);
    }

    /** The sum of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        return new Sum().apply(this);
    }

    /** The mean of all elements, as a rank-0 tensor. */
    public Tensor mean() {
        return new Mean().apply(this);
    }

    public Tensor sigmoid() {
        return new SigmoidFunction().apply(this);
    }

    public Tensor tanh() {
        return new TanhFunction().apply(this);
    }

    public Tensor relu() {
        return new ReLUFunction().apply(this);
    }

    /** ReQU: {@code x²} where {@code x > 0}, else 0. */
    public Tensor requ() {
        return new ReQUFunction().apply(this);
    }

    /** Log-softmax of each row of a rank-2 tensor. */
    public Tensor logSoftmax() {
        return new LogSoftmax().apply(this);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad() ? " requiresGrad" : "");
    }
}

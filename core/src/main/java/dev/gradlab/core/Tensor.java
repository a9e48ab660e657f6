package dev.gradlab.core;

import dev.gradlab.core.ops.Abs;
import dev.gradlab.core.ops.Add;
import dev.gradlab.core.ops.AddBias;
import dev.gradlab.core.ops.BatchedMatMul;
import dev.gradlab.core.ops.Cat;
import dev.gradlab.core.ops.Clamp;
import dev.gradlab.core.ops.Div;
import dev.gradlab.core.ops.Exp;
import dev.gradlab.core.ops.Expand;
import dev.gradlab.core.ops.IndexSelect;
import dev.gradlab.core.ops.Log;
import dev.gradlab.core.ops.LogSoftmax;
import dev.gradlab.core.ops.MatMul;
import dev.gradlab.core.ops.MaxAll;
import dev.gradlab.core.ops.MaxDim;
import dev.gradlab.core.ops.Maximum;
import dev.gradlab.core.ops.Mean;
import dev.gradlab.core.ops.Minimum;
import dev.gradlab.core.ops.Mul;
import dev.gradlab.core.ops.Narrow;
import dev.gradlab.core.ops.Neg;
import dev.gradlab.core.ops.Permute;
import dev.gradlab.core.ops.Pow;
import dev.gradlab.core.ops.ReLUFunction;
import dev.gradlab.core.ops.ReQUFunction;
import dev.gradlab.core.ops.Reciprocal;
import dev.gradlab.core.ops.Reshape;
import dev.gradlab.core.ops.SigmoidFunction;
import dev.gradlab.core.ops.Softmax;
import dev.gradlab.core.ops.Sqrt;
import dev.gradlab.core.ops.Square;
import dev.gradlab.core.ops.Sub;
import dev.gradlab.core.ops.Sum;
import dev.gradlab.core.ops.SumDim;
import dev.gradlab.core.ops.TanhFunction;
import java.util.Arrays;
import java.util.List;

/**
 * A float32, row-major tensor: a flat {@code float[]} and a shape. Tensors that require a gradient
 * receive one, of the same shape, when {@link #backward()} runs on a loss computed from them.
 *
 * <p>A tensor made by the factories below, or marked with {@link #requiresGrad(boolean)}, is a
 * leaf. A tensor returned by an op while the tape records is not: it remembers the {@link Function}
 * that made it, and that link is how {@link #backward()} finds its way back to the leaves. Like
 * PyTorch, only leaves keep a gradient after backward.
 *
 * <p>Ops follow PyTorch's names and semantics, binary ones with NumPy/PyTorch broadcasting (a rank-0
 * tensor broadcasts as a scalar). Every op returns a new, contiguous tensor: the shape ops
 * ({@link #reshape}, {@link #transpose}, {@link #expand}, {@link #select} and the others) copy
 * rather than view, so that a {@link Function} always receives a tensor of its own, laid out from
 * offset 0 of its {@link #data()}.
 *
 * <p>The library's own in-place updates (an optimizer step, {@link #zeroGrad()} on the gradient,
 * {@link Parameters#unflatten}) advance the tensor's {@link #version()}; a backward that needs a
 * tensor saved at an earlier version fails instead of computing a wrong gradient, as PyTorch's
 * "modified by an inplace operation". Writing into {@link #data()} directly is not tracked: that is
 * the writer's responsibility (call {@link #bumpVersion()} after it to have it checked).
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
    /**
     * The function whose backward allocated this tensor, until the tape takes it as a gradient of its
     * own: such a tensor is held by nobody else, so the tape may accumulate into it without a copy.
     */
    Function madeInBackwardOf;
    /** Per-thread values while a {@link ParameterBinding} scope is open on this tensor. */
    ThreadLocal<float[]> bound;
    /** Advanced by each in-place update the library makes; see {@link #bumpVersion()}. */
    int version;

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
        return wrap(data == null ? null : data.clone(), shape);
    }

    /** A tensor that views {@code data} without copying it; writes to either are seen by both. */
    public static Tensor wrap(float[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        int size = checkedSize(shape);
        if (data.length != size) {
            throw new IllegalArgumentException(
                    "data has " + data.length + " elements, shape " + Arrays.toString(shape) + " needs " + size);
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor of ones. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor whose every element is {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** A tensor of zeros of {@code like}'s shape. */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.shape);
    }

    /** A tensor of ones of {@code like}'s shape. */
    public static Tensor onesLike(Tensor like) {
        return ones(like.shape);
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
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) size;
    }

    /**
     * The live backing array. Writing into it is not tracked by {@link #version()}: changing a tensor
     * that a recorded op saved, before its backward, is the writer's responsibility (call
     * {@link #bumpVersion()} after the write to have backward check it).
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

    /**
     * How many in-place updates the library has made to this tensor's values (PyTorch's
     * {@code _version}): {@link Function#saveForBackward} records it and backward checks it.
     */
    public int version() {
        return version;
    }

    /**
     * Notes that this tensor's values were changed in place, so that a backward that saved it
     * before the change fails instead of using the new values. The library's optimizers and loaders
     * call it; call it after writing into {@link #data()} yourself.
     */
    public void bumpVersion() {
        version++;
    }

    /**
     * A new leaf with a copy of this tensor's values, outside the graph (PyTorch's {@code detach()},
     * except that it copies: it stays valid when a {@link Workspace} that made this tensor closes).
     */
    public Tensor detach() {
        return copy();
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
            grad.version++;
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
            grad.version++;
        }
    }

    /**
     * The gradient, created when null from the storage {@link #zeroGrad()} kept or a new array; a
     * created one holds stale values or zeros, so the caller overwrites it.
     */
    Tensor gradStorage() {
        if (grad == null) {
            grad = spareGrad != null && !spareGrad.released && Arrays.equals(spareGrad.shape, shape)
                    ? spareGrad
                    : new Tensor(new float[data.length], shape);
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

    /**
     * The matrix product, as PyTorch's {@code matmul}: rank-2 operands multiply as matrices; operands
     * of rank 3 or more are batches of matrices over their leading dims, which broadcast; a rank-1
     * operand is a row (on the left) or a column (on the right) vector whose dim is dropped from the
     * result, and two rank-1 operands give their dot product.
     */
    public Tensor matmul(Tensor other) {
        if (shape.length == 2 && other.shape.length == 2) {
            return new MatMul(false, false).apply(this, other);
        }
        if (shape.length == 0 || other.shape.length == 0) {
            throw new IllegalArgumentException("matmul: both operands need rank >= 1, got shapes "
                    + Arrays.toString(shape) + " and " + Arrays.toString(other.shape));
        }
        if (shape.length == 1 && other.shape.length == 1) {
            return unsqueeze(0).matmul(other.unsqueeze(1)).reshape();
        }
        if (shape.length == 1) {
            return unsqueeze(0).matmul(other).squeeze(-2);
        }
        if (other.shape.length == 1) {
            return matmul(other.unsqueeze(-1)).squeeze(-1);
        }
        return new BatchedMatMul().apply(this, other);
    }

    /** The matrix product {@code op(this) · op(other)} of rank-2 tensors, where op transposes when asked. */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return new MatMul(transposeThis, transposeOther).apply(this, other);
    }

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) {
        if (shape.length == 2 && other.shape.length == 1 && shape[1] == other.shape[0]) {
            return new AddBias().apply(this, other);
        }
        return new Add().apply(this, other);
    }

    /** {@code this + value}. */
    public Tensor add(float value) {
        return add(scalar(value));
    }

    /** {@code this − other}, broadcasting. */
    public Tensor sub(Tensor other) {
        return new Sub().apply(this, other);
    }

    /** {@code this − value}. */
    public Tensor sub(float value) {
        return sub(scalar(value));
    }

    /** {@code this · other} elementwise, broadcasting. */
    public Tensor mul(Tensor other) {
        return new Mul().apply(this, other);
    }

    /** {@code this · value}. */
    public Tensor mul(float value) {
        return mul(scalar(value));
    }

    /** {@code this / other} elementwise, broadcasting. */
    public Tensor div(Tensor other) {
        return new Div().apply(this, other);
    }

    /** {@code this / value}. */
    public Tensor div(float value) {
        return div(scalar(value));
    }

    /** {@code thisᵉ} elementwise, broadcasting, with exponents {@code exponent}. */
    public Tensor pow(Tensor exponent) {
        return new Pow().apply(this, exponent);
    }

    /** {@code thisᵉ} elementwise. */
    public Tensor pow(float exponent) {
        return pow(scalar(exponent));
    }

    /** The elementwise maximum, broadcasting. */
    public Tensor maximum(Tensor other) {
        return new Maximum().apply(this, other);
    }

    /** The elementwise minimum, broadcasting. */
    public Tensor minimum(Tensor other) {
        return new Minimum().apply(this, other);
    }

    public Tensor neg() {
        return new Neg().apply(this);
    }

    public Tensor exp() {
        return new Exp().apply(this);
    }

    /** The natural logarithm. */
    public Tensor log() {
        return new Log().apply(this);
    }

    public Tensor sqrt() {
        return new Sqrt().apply(this);
    }

    public Tensor abs() {
        return new Abs().apply(this);
    }

    /** {@code 1 / this} elementwise. */
    public Tensor reciprocal() {
        return new Reciprocal().apply(this);
    }

    public Tensor square() {
        return new Square().apply(this);
    }

    /** Each element clamped to {@code [min, max]}. */
    public Tensor clamp(float min, float max) {
        return new Clamp(min, max).apply(this);
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

    // ---- reductions; a dim counts from the end when negative ----

    /** The sum of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        return new Sum().apply(this);
    }

    /** The mean of all elements, as a rank-0 tensor. */
    public Tensor mean() {
        return new Mean().apply(this);
    }

    /** The sum along {@code dim}, which is dropped, or kept with size 1 when {@code keepdim}. */
    public Tensor sum(int dim, boolean keepdim) {
        return new SumDim(dim, keepdim, false).apply(this);
    }

    /** The mean along {@code dim}, which is dropped, or kept with size 1 when {@code keepdim}. */
    public Tensor mean(int dim, boolean keepdim) {
        return new SumDim(dim, keepdim, true).apply(this);
    }

    /** The largest value along {@code dim} (its gradient goes to the first maximum). */
    public Tensor max(int dim, boolean keepdim) {
        return new MaxDim(dim, keepdim, false).apply(this);
    }

    /** The smallest value along {@code dim} (its gradient goes to the first minimum). */
    public Tensor min(int dim, boolean keepdim) {
        return new MaxDim(dim, keepdim, true).apply(this);
    }

    /** The largest element, as a rank-0 tensor (its gradient is shared among equal maxima). */
    public Tensor max() {
        return new MaxAll(false).apply(this);
    }

    /** The smallest element, as a rank-0 tensor (its gradient is shared among equal minima). */
    public Tensor min() {
        return new MaxAll(true).apply(this);
    }

    /**
     * The index of the first largest value along {@code dim}, which is dropped; float-valued (gradlab's
     * tensors are float32) and outside the graph.
     */
    public Tensor argmax(int dim) {
        return MaxDim.argmax(this, dim);
    }

    /** Softmax along {@code dim}. */
    public Tensor softmax(int dim) {
        return new Softmax(dim).apply(this);
    }

    /** Log-softmax along {@code dim}. */
    public Tensor logSoftmax(int dim) {
        return new LogSoftmax(dim).apply(this);
    }

    /** Log-softmax along the last dim (of each row of a rank-2 tensor). */
    public Tensor logSoftmax() {
        return new LogSoftmax().apply(this);
    }

    // ---- shape and indexing: each returns a copy ----

    /** The same elements under {@code shape}; one dim may be −1, inferred from the element count. */
    public Tensor reshape(int... shape) {
        return Reshape.to(shape).apply(this);
    }

    /** Dims {@code dim0} and {@code dim1} swapped. */
    public Tensor transpose(int dim0, int dim1) {
        return Permute.transpose(dim0, dim1).apply(this);
    }

    /** The dims reordered: dim {@code i} of the result is dim {@code dims[i]} of this tensor. */
    public Tensor permute(int... dims) {
        return Permute.of(dims).apply(this);
    }

    /** Dims {@code startDim} to {@code endDim}, inclusive, merged into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Reshape.flatten(startDim, endDim).apply(this);
    }

    /** A new dim of size 1 at {@code dim} (from −rank−1 to rank). */
    public Tensor unsqueeze(int dim) {
        return Reshape.unsqueeze(dim).apply(this);
    }

    /** Without {@code dim} if its size is 1, else unchanged (a copy). */
    public Tensor squeeze(int dim) {
        return Reshape.squeeze(dim).apply(this);
    }

    /** Repeated along its size-1 dims (and new leading dims) to {@code sizes}; −1 keeps a dim. */
    public Tensor expand(int... sizes) {
        return new Expand(sizes).apply(this);
    }

    /** Joins tensors whose shapes agree except in {@code dim}, along {@code dim}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Cat.cat(dim).apply(tensors.toArray(new Tensor[0]));
    }

    /** Joins tensors of one shape along a new dim at {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Cat.stack(dim).apply(tensors.toArray(new Tensor[0]));
    }

    /** Element {@code index} along {@code dim}, which is dropped. */
    public Tensor select(int dim, int index) {
        return Narrow.select(dim, index).apply(this);
    }

    /** Elements {@code start} to {@code start + length − 1} along {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        return Narrow.narrow(dim, start, length).apply(this);
    }

    /** The slices at {@code indices} along {@code dim}, in that order; indices may repeat. */
    public Tensor indexSelect(int dim, int[] indices) {
        return new IndexSelect(dim, indices).apply(this);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad() ? " requiresGrad" : "");
    }
}

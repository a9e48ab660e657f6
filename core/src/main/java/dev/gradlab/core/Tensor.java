package dev.gradlab.core;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A float32, row-major tensor: a flat {@code float[]} and a shape. Tensors that require a gradient
 * receive one, of the same shape, when {@link #backward()} runs on a loss computed from them.
 */
public final class Tensor {

    private final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private Tensor grad;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], shape.clone());
    }

    /** A tensor holding a copy of {@code data}, whose length must equal the shape's size. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A tensor that views {@code data} without copying it; writes to either are seen by both. */
    public static Tensor wrap(float[] data, int... shape) {
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

    /** Independent uniform samples in {@code [lo, hi)}, reproducible from {@code seed}. */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
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

    private static int checkedSize(int[] shape) {
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

    /** The live backing array. */
    public float[] data() {
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
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
        return data[0];
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks this tensor as one whose gradient is wanted; returns this. */
    public Tensor requiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
        return this;
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
    }

    /** Clears the gradient, like PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        grad = null;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad ? " requiresGrad" : "");
    }
}

package dev.gradlab.core;

import java.util.List;

/**
 * A list of parameter tensors seen as one flat vector, in list order: what gradient estimators
 * perturb, and what a genome's weights are read from and written to.
 */
public final class Parameters {

    private Parameters() {}

    /** The total number of elements. */
    public static int count(List<Tensor> params) {
        long n = 0;
        for (Tensor p : params) {
            n += p.size();
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameters have " + n + " elements, more than a float[] holds");
        }
        return (int) n;
    }

    /** A new array holding every parameter's values, in order. */
    public static float[] flatten(List<Tensor> params) {
        float[] out = new float[count(params)];
        flatten(params, out);
        return out;
    }

    /** Writes every parameter's values into {@code out}, whose length must be {@link #count}. */
    public static void flatten(List<Tensor> params, float[] out) {
        checkLength("out", out, params);
        int off = 0;
        for (Tensor p : params) {
            System.arraycopy(p.data(), 0, out, off, p.size());
            off += p.size();
        }
    }

    /** Writes {@code flat}, whose length must be {@link #count}, into each parameter's data. */
    public static void unflatten(float[] flat, List<Tensor> params) {
        checkLength("flat", flat, params);
        int off = 0;
        for (Tensor p : params) {
            System.arraycopy(flat, off, p.data(), 0, p.size());
            p.bumpVersion();
            off += p.size();
        }
    }

    /** Writes every parameter's gradient into {@code out}, zeros where a gradient is null. */
    public static void flattenGrads(List<Tensor> params, float[] out) {
        checkLength("out", out, params);
        int off = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) {
                java.util.Arrays.fill(out, off, off + p.size(), 0f);
            } else {
                System.arraycopy(g.data(), 0, out, off, p.size());
            }
            off += p.size();
        }
    }

    /**
     * Sets each parameter's gradient from {@code flat}, writing into the existing gradient (or the
     * storage {@link Tensor#zeroGrad()} kept) and allocating one only where there is none.
     */
    public static void setGrads(float[] flat, List<Tensor> params) {
        checkLength("flat", flat, params);
        int off = 0;
        for (Tensor p : params) {
            Tensor g = p.gradStorage();
            System.arraycopy(flat, off, g.data(), 0, p.size());
            g.bumpVersion();
            off += p.size();
        }
    }

    private static void checkLength(String name, float[] array, List<Tensor> params) {
        int n = count(params);
        if (array == null || array.length != n) {
            throw new IllegalArgumentException(name + " must have " + n + " elements (the parameters' count), got "
                    + (array == null ? "null" : array.length));
        }
    }
}

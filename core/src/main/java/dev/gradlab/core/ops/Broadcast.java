package dev.gradlab.core.ops;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * NumPy/PyTorch broadcasting: shapes are aligned from the right, and a dim of size 1 or a missing
 * leading dim repeats to the other operand's size. The loops walk the output row by row along its
 * last axis, each operand with its own offset and an inner stride of 1 (it varies along that axis)
 * or 0 (it repeats), so the innermost loop is one contiguous run.
 */
final class Broadcast {

    /** One row of a broadcast loop: {@code n} elements, each operand at its offset and inner stride. */
    @FunctionalInterface
    interface Row {
        void run(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n);
    }

    private Broadcast() {}

    /**
     * The broadcast shape of {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException naming the op, both shapes and the first dim that differs
     */
    static int[] shape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 1; d <= rank; d++) {
            int da = d <= a.length ? a[a.length - d] : 1;
            int db = d <= b.length ? b[b.length - d] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together (dim " + -d + ": " + da + " vs " + db + ")");
            }
            out[rank - d] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of {@code shape} broadcast to {@code out} (aligned from the right): 0 where it repeats. */
    static int[] strides(int[] shape, int[] out) {
        int[] strides = new int[out.length];
        int stride = 1;
        for (int d = 1; d <= shape.length; d++) {
            int size = shape[shape.length - d];
            strides[out.length - d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }

    /**
     * Runs {@code row} over every row of {@code out}'s last axis, with x, y and z each broadcast to
     * {@code out}. z may be broadcast too (a reduction), in which case rows accumulate into it.
     */
    static void rows(int[] out, Tensor x, Tensor y, Tensor z, Row row) {
        int size = 1;
        for (int d : out) {
            size *= d;
        }
        if (size == 0) {
            return;
        }
        float[] xd = x.data();
        float[] yd = y.data();
        float[] zd = z.data();
        int rank = out.length;
        if (rank == 0
                || Arrays.equals(x.shape(), out) && Arrays.equals(y.shape(), out) && Arrays.equals(z.shape(), out)) {
            row.run(xd, 0, 1, yd, 0, 1, zd, 0, 1, size);
            return;
        }
        int[] xs = strides(x.shape(), out);
        int[] ys = strides(y.shape(), out);
        int[] zs = strides(z.shape(), out);
        int[] shape = out.clone();
        // Merge each dim into the one after it where every operand steps through both as through
        // one (contiguous, or repeating in both), so that rows are as long as the layouts allow.
        int last = rank - 1;
        while (last > 0 && shape[last] == 1) {
            last--;
        }
        int k = last;
        for (int d = last - 1; d >= 0; d--) {
            if (shape[d] == 1) {
                continue;
            }
            if (xs[d] == xs[k] * shape[k] && ys[d] == ys[k] * shape[k] && zs[d] == zs[k] * shape[k]) {
                shape[k] *= shape[d];
            } else {
                k--;
                shape[k] = shape[d];
                xs[k] = xs[d];
                ys[k] = ys[d];
                zs[k] = zs[d];
            }
        }
        int n = shape[last];
        int rows = size / n;
        int[] index = new int[rank];
        int xo = 0;
        int yo = 0;
        int zo = 0;
        for (int r = 0; r < rows; r++) {
            row.run(xd, xo, xs[last], yd, yo, ys[last], zd, zo, zs[last], n);
            for (int d = last - 1; d >= k; d--) {
                if (++index[d] < shape[d]) {
                    xo += xs[d];
                    yo += ys[d];
                    zo += zs[d];
                    break;
                }
                index[d] = 0;
                xo -= xs[d] * (shape[d] - 1);
                yo -= ys[d] * (shape[d] - 1);
                zo -= zs[d] * (shape[d] - 1);
            }
        }
    }

    /**
     * {@code g} summed over the axes along which {@code shape} was broadcast to {@code g}'s shape:
     * the gradient of a broadcast operand. Returns {@code g} itself when the shapes are equal.
     */
    static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape(), shape)) {
            return g;
        }
        Tensor out = Workspace.tensor(shape);
        rows(g.shape(), g, g, out, Broadcast::accumulate);
        return out;
    }

    /**
     * {@code Σ g·t} over the axes along which the operand {@code like} was broadcast to {@code g}'s
     * shape ({@code t} may be broadcast too): a new tensor of {@code like}'s shape.
     */
    static Tensor reduceProduct(Tensor g, Tensor t, Tensor like) {
        if (g.sameShape(t) && g.sameShape(like)) {
            Tensor target = Workspace.uninitialized(like.shape());
            Simd.kernels().mul(g.data(), 0, t.data(), 0, target.data(), 0, target.size());
            return target;
        }
        Tensor target = Workspace.tensor(like.shape());
        rows(g.shape(), g, t, target, Broadcast::accumulateProductRow);
        return target;
    }

    /** z += x (z stride 0: the row's sum). */
    private static void accumulate(
            float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (zs == 0) {
            z[zo] += xs == 1 ? Simd.kernels().sum(x, xo, n) : n * x[xo];
        } else if (xs == 1) {
            Simd.kernels().axpy(n, 1f, x, xo, z, zo);
        } else {
            for (int i = 0; i < n; i++) {
                z[zo + i] += x[xo];
            }
        }
    }

    private static void accumulateProductRow(
            float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        if (zs == 0) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += x[xo + i * xs] * y[yo + i * ys];
            }
            z[zo] += s;
        } else {
            for (int i = 0; i < n; i++) {
                z[zo + i] += x[xo + i * xs] * y[yo + i * ys];
            }
        }
    }
}

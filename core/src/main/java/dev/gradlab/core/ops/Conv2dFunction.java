package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Parallel;
import java.util.Arrays;

/**
 * 2-d convolution (PyTorch's cross-correlation) of {@code x} (N, C, H, W) with {@code w}
 * (O, C, k, k) and an optional bias {@code b} (O), stride {@code s}, zero padding {@code p}:
 * {@code y[n,o,i,j] = b[o] + Σ_{c,u,v} w[o,c,u,v]·x[n,c,i·s−p+u, j·s−p+v]}, of shape
 * (N, O, OH, OW) with {@code OH = (H + 2p − k)/s + 1}.
 *
 * <p>Computed as one GEMM on the im2col matrix {@code X} ((N·OH·OW) × (C·k·k), a row per output
 * position): {@code Y = X·Wᵀ}, with W seen as O × (C·k·k). Backward, with {@code G} the output
 * gradient as (N·OH·OW) × O: {@code dW = Gᵀ·X}, {@code db = Σ_rows G}, {@code dx = col2im(G·W)}
 * (col2im adds each column entry back to the pixel it came from). An implicit GEMM, packing the
 * GEMM's panels straight from {@code x} instead of materialising {@code X}, would save the
 * C·k·k-fold copy and may be faster for large inputs; this is the straightforward form.
 */
public final class Conv2dFunction extends Function {

    private final int stride;
    private final int padding;
    private boolean hasBias;
    private int n;
    private int c;
    private int h;
    private int w;
    private int o;
    private int k;
    private int oh;
    private int ow;

    public Conv2dFunction(int stride, int padding) {
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException(
                    "conv2d needs stride >= 1 and padding >= 0, got stride=" + stride + ", padding=" + padding);
        }
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor x = in[0];
        Tensor weight = in[1];
        Tensor bias = in.length > 2 ? in[2] : null;
        hasBias = bias != null;
        if (x.rank() != 4 || weight.rank() != 4 || weight.dim(1) != x.dim(1) || weight.dim(2) != weight.dim(3)) {
            throw new IllegalArgumentException("conv2d needs input (N, C, H, W) and a square kernel (O, C, k, k), got "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(weight.shape()));
        }
        n = x.dim(0);
        c = x.dim(1);
        h = x.dim(2);
        w = x.dim(3);
        o = weight.dim(0);
        k = weight.dim(2);
        checkFits(x, k, padding);
        oh = outputSize(h, k, stride, padding);
        ow = outputSize(w, k, stride, padding);
        if (bias != null) {
            checkShape("bias", bias, o);
        }
        int rows = n * oh * ow;
        int cols = c * k * k;
        Tensor columns = im2col(x, k, stride, padding);
        Tensor product = Workspace.uninitialized(rows, o);
        Blas.sgemm(
                false,
                true,
                rows,
                o,
                cols,
                1f,
                columns.data(),
                0,
                cols,
                weight.data(),
                0,
                cols,
                0f,
                product.data(),
                0,
                o);
        Tensor y = newTensor(n, o, oh, ow);
        float[] b = bias == null ? null : bias.data();
        positionsToChannels(product.data(), b, y.data(), n, o, oh * ow);
        saveForBackward(columns, weight);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor columns = saved(0);
        Tensor weight = saved(1);
        int rows = n * oh * ow;
        int cols = c * k * k;
        Tensor gt = Workspace.uninitialized(rows, o);
        channelsToPositions(g.data(), gt.data(), n, o, oh * ow);
        Tensor gx = null;
        Tensor gw = null;
        Tensor gb = null;
        if (needsInputGrad(0)) {
            Tensor gColumns = Workspace.uninitialized(rows, cols);
            Blas.sgemm(
                    false,
                    false,
                    rows,
                    cols,
                    o,
                    1f,
                    gt.data(),
                    0,
                    o,
                    weight.data(),
                    0,
                    cols,
                    0f,
                    gColumns.data(),
                    0,
                    cols);
            gx = newTensor(n, c, h, w);
            // col2im, the adjoint of im2col: each column entry added to the pixel it was read from.
            patches(gx.data(), gColumns.data(), false, n, c, h, w, k, stride, padding, oh, ow);
        }
        if (needsInputGrad(1)) {
            gw = newTensorLike(weight);
            Blas.sgemm(
                    true, false, o, cols, rows, 1f, gt.data(), 0, o, columns.data(), 0, cols, 0f, gw.data(), 0, cols);
        }
        if (hasBias && needsInputGrad(2)) {
            gb = newTensor(o);
            float[] gd = g.data();
            float[] gbd = gb.data();
            int plane = oh * ow;
            for (int s = 0; s < n; s++) {
                for (int ch = 0; ch < o; ch++) {
                    double sum = 0;
                    for (int i = (s * o + ch) * plane, end = i + plane; i < end; i++) {
                        sum += gd[i];
                    }
                    gbd[ch] += (float) sum;
                }
            }
        }
        return hasBias ? new Tensor[] {gx, gw, gb} : new Tensor[] {gx, gw};
    }

    /** The output's size along a side of {@code size} pixels: {@code (size + 2·padding − kernel)/stride + 1}. */
    public static int outputSize(int size, int kernel, int stride, int padding) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    /** Throws unless the kernel fits in the padded input {@code x} (N, C, H, W). */
    private static void checkFits(Tensor x, int kernel, int padding) {
        if (x.dim(2) + 2 * padding < kernel || x.dim(3) + 2 * padding < kernel) {
            throw new IllegalArgumentException("conv2d: kernel " + kernel + " is larger than the padded input "
                    + (x.dim(2) + 2 * padding) + "x" + (x.dim(3) + 2 * padding) + " (input "
                    + Arrays.toString(x.shape()) + ", padding " + padding + ")");
        }
    }

    /**
     * The im2col matrix of {@code x} (N, C, H, W) for a {@code kernel × kernel} kernel, as the
     * convolution's forward builds it: {@code (N·OH·OW) × (C·k·k)}, row {@code (s, i, j)} holding the
     * patch of every channel under output pixel (i, j), zero in the padding; a workspace tensor.
     * For a module that multiplies it with weights of its own (a population's perturbed ones).
     *
     * @throws IllegalArgumentException when {@code x} is not of rank 4 or the kernel is larger than
     *     the padded input
     */
    public static Tensor im2col(Tensor x, int kernel, int stride, int padding) {
        if (x.rank() != 4 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("im2col needs input (N, C, H, W), kernel, stride >= 1 and padding >= 0,"
                    + " got " + Arrays.toString(x.shape()) + ", kernel=" + kernel + ", stride=" + stride
                    + ", padding=" + padding);
        }
        checkFits(x, kernel, padding);
        int oh = outputSize(x.dim(2), kernel, stride, padding);
        int ow = outputSize(x.dim(3), kernel, stride, padding);
        Tensor columns = Workspace.uninitialized(x.dim(0) * oh * ow, x.dim(1) * kernel * kernel);
        patches(
                x.data(),
                columns.data(),
                true,
                x.dim(0),
                x.dim(1),
                x.dim(2),
                x.dim(3),
                kernel,
                stride,
                padding,
                oh,
                ow);
        return columns;
    }

    /**
     * A product of the im2col matrix, {@code (N·OH·OW) × O} with a row per output position, laid
     * out as the convolution's output (N, O, OH, OW), adding {@code bias[o]} to channel o when bias
     * is not null; a workspace tensor. The forward's own last step.
     */
    public static Tensor rowsToImages(Tensor rows, float[] bias, int n, int oh, int ow) {
        int o = rows.rank() == 2 ? rows.dim(1) : -1;
        if (o < 0 || rows.dim(0) != n * oh * ow || (bias != null && bias.length < o)) {
            throw new IllegalArgumentException("rowsToImages needs rows [" + n * oh * ow + ", channels] and a bias of"
                    + " the channels, got " + Arrays.toString(rows.shape()) + " and "
                    + (bias == null ? "none" : bias.length));
        }
        Tensor y = Workspace.uninitialized(n, o, oh, ow);
        positionsToChannels(rows.data(), bias, y.data(), n, o, oh * ow);
        return y;
    }

    /** The inverse of {@link #rowsToImages} without a bias: (N, O, OH, OW) as {@code (N·OH·OW) × O}. */
    public static Tensor imagesToRows(Tensor y) {
        if (y.rank() != 4) {
            throw new IllegalArgumentException("imagesToRows needs (N, O, OH, OW), got " + Arrays.toString(y.shape()));
        }
        int plane = y.dim(2) * y.dim(3);
        Tensor rows = Workspace.uninitialized(y.dim(0) * plane, y.dim(1));
        channelsToPositions(y.data(), rows.data(), y.dim(0), y.dim(1), plane);
        return rows;
    }

    /**
     * Visits every (column entry, pixel) pair of the im2col matrix once: with {@code gather}, copies
     * the pixel into the entry (zero in the padding); otherwise adds the entry to the pixel. A sample's
     * rows and pixels belong to it alone, so samples run in parallel without races.
     */
    private static void patches(
            float[] image,
            float[] columns,
            boolean gather,
            int n,
            int c,
            int h,
            int w,
            int k,
            int stride,
            int padding,
            int oh,
            int ow) {
        int cols = c * k * k;
        Parallel.forEach(n, s -> {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int row = ((s * oh + i) * ow + j) * cols;
                    // The kernel columns v0..v1-1 fall inside the image; the rest read padding.
                    int left = j * stride - padding;
                    int v0 = Math.max(0, -left);
                    int v1 = Math.min(k, w - left);
                    for (int ch = 0; ch < c; ch++) {
                        int plane = (s * c + ch) * h * w;
                        for (int u = 0; u < k; u++) {
                            int y = i * stride - padding + u;
                            int at = row + (ch * k + u) * k;
                            boolean inside = y >= 0 && y < h && v0 < v1;
                            int pixel = plane + y * w + left;
                            if (gather) {
                                if (inside) {
                                    Arrays.fill(columns, at, at + v0, 0f);
                                    System.arraycopy(image, pixel + v0, columns, at + v0, v1 - v0);
                                    Arrays.fill(columns, at + v1, at + k, 0f);
                                } else {
                                    Arrays.fill(columns, at, at + k, 0f);
                                }
                            } else if (inside) {
                                for (int v = v0; v < v1; v++) {
                                    image[pixel + v] += columns[at + v];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** (N·OH·OW) × O, a row per position, to (N, O, OH, OW), adding the bias when there is one. */
    private static void positionsToChannels(float[] product, float[] bias, float[] y, int n, int o, int plane) {
        Parallel.forEach(n, s -> {
            for (int ch = 0; ch < o; ch++) {
                float b = bias == null ? 0f : bias[ch];
                int out = (s * o + ch) * plane;
                for (int p = 0, at = s * plane * o + ch; p < plane; p++, at += o) {
                    y[out + p] = product[at] + b;
                }
            }
        });
    }

    /** (N, O, OH, OW) to (N·OH·OW) × O: the output gradient as the GEMM's rows. */
    private static void channelsToPositions(float[] g, float[] gt, int n, int o, int plane) {
        Parallel.forEach(n, s -> {
            for (int ch = 0; ch < o; ch++) {
                int from = (s * o + ch) * plane;
                for (int p = 0, at = s * plane * o + ch; p < plane; p++, at += o) {
                    gt[at] = g[from + p];
                }
            }
        });
    }

    @Override
    protected Formula formula() {
        return new Formula(
                "z = im2col(x)·wᵀ + b  (stride " + stride + ", padding " + padding + ")",
                "∂L/∂w = (∂L/∂z)ᵀ·im2col(x),  ∂L/∂x = col2im(∂L/∂z·w),  ∂L/∂b = Σ ∂L/∂z");
    }
}

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
            throw new IllegalArgumentException("conv2d needs stride >= 1 and padding >= 0, got stride=" + stride
                    + ", padding=" + padding);
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
        if (h + 2 * padding < k || w + 2 * padding < k) {
            throw new IllegalArgumentException("conv2d: kernel " + k + " is larger than the padded input "
                    + (h + 2 * padding) + "x" + (w + 2 * padding) + " (input " + Arrays.toString(x.shape())
                    + ", padding " + padding + ")");
        }
        if (bias != null) {
            checkShape("bias", bias, o);
        }
        oh = (h + 2 * padding - k) / stride + 1;
        ow = (w + 2 * padding - k) / stride + 1;
        int rows = n * oh * ow;
        int cols = c * k * k;
        Tensor columns = Workspace.uninitialized(rows, cols);
        im2col(x.data(), columns.data());
        Tensor product = Workspace.uninitialized(rows, o);
        Blas.sgemm(false, true, rows, o, cols, 1f, columns.data(), 0, cols, weight.data(), 0, cols,
                0f, product.data(), 0, o);
        Tensor y = newTensor(n, o, oh, ow);
        float[] b = bias == null ? null : bias.data();
        positionsToChannels(product.data(), b, y.data());
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
        channelsToPositions(g.data(), gt.data());
        Tensor gx = null;
        Tensor gw = null;
        Tensor gb = null;
        if (needsInputGrad(0)) {
            Tensor gColumns = Workspace.uninitialized(rows, cols);
            Blas.sgemm(false, false, rows, cols, o, 1f, gt.data(), 0, o, weight.data(), 0, cols,
                    0f, gColumns.data(), 0, cols);
            gx = newTensor(n, c, h, w);
            col2im(gColumns.data(), gx.data());
        }
        if (needsInputGrad(1)) {
            gw = newTensorLike(weight);
            Blas.sgemm(true, false, o, cols, rows, 1f, gt.data(), 0, o, columns.data(), 0, cols,
                    0f, gw.data(), 0, cols);
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

    /** Row {@code (s, i, j)} of the column matrix: the k×k patch of every channel under output pixel (i, j). */
    private void im2col(float[] x, float[] columns) {
        patches(x, columns, true);
    }

    /** The adjoint of {@link #im2col}: each column entry added to the pixel it was read from. */
    private void col2im(float[] columns, float[] gx) {
        patches(gx, columns, false);
    }

    /**
     * Visits every (column entry, pixel) pair of the im2col matrix once: with {@code gather}, copies
     * the pixel into the entry (zero in the padding); otherwise adds the entry to the pixel. A sample's
     * rows and pixels belong to it alone, so samples run in parallel without races.
     */
    private void patches(float[] image, float[] columns, boolean gather) {
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
    private void positionsToChannels(float[] product, float[] bias, float[] y) {
        int plane = oh * ow;
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
    private void channelsToPositions(float[] g, float[] gt) {
        int plane = oh * ow;
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
        return new Formula("z = im2col(x)·wᵀ + b  (stride " + stride + ", padding " + padding + ")",
                "∂L/∂w = (∂L/∂z)ᵀ·im2col(x),  ∂L/∂x = col2im(∂L/∂z·w),  ∂L/∂b = Σ ∂L/∂z");
    }
}

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
 * <p>Computed as one GEMM on the im2col matrix {@code X'} ((C·k·k) × (N·OH·OW), a column per
 * output position): {@code Y' = W·X'}, with W seen as O × (C·k·k), a product as wide as the batch's
 * output positions, whose rows are the output channels. Backward, with {@code G'} the output
 * gradient as O × (N·OH·OW): {@code dW = G'·X'ᵀ}, {@code db = Σ_columns G'},
 * {@code dx = col2im(Wᵀ·G')} (col2im adds each column entry back to the pixel it came from).
 * (A column per channel instead, {@code X·Wᵀ} with X of N·OH·OW rows, is the form a population's
 * products take: see {@link #im2col}.)
 */
public final class Conv2dFunction extends Function {

    /** About 512 KiB of im2col columns per chunk of samples. */
    private static final int CHUNK_FLOATS = 1 << 17;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
        Tensor y = newTensor(n, o, oh, ow);
        float[] b = bias == null ? null : bias.data();
        float[] xd = x.data();
        float[] wd = weight.data();
        float[] yd = y.data();
        int chunk = chunkSamples();
        Parallel.forEach(chunks(), t -> {
            int s0 = t * chunk;
            int samples = Math.min(chunk, n - s0);
            int positions = samples * oh * ow;
            int cols = c * k * k;
            Scratch scratch = SCRATCH.get();
            float[] columns = scratch.columns(cols * positions);
            float[] product = scratch.product(o * positions);
            columns(xd, columns, true, s0, samples, c, h, w, k, stride, padding, oh, ow);
            Blas.sgemm(
                    false, false, o, positions, cols, 1f, wd, 0, cols, columns, 0, positions, 0f, product, 0,
                    positions);
            channelsMajorToImages(product, b, yd, s0, samples, o, oh * ow);
        });
        saveForBackward(x, weight);
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] xd = saved(0).data();
        Tensor weight = saved(1);
        float[] wd = weight.data();
        float[] gd = g.data();
        int cols = c * k * k;
        int chunk = chunkSamples();
        int chunks = chunks();
        boolean wantX = needsInputGrad(0);
        boolean wantW = needsInputGrad(1);
        Tensor gx = wantX ? newTensor(n, c, h, w) : null;
        float[] gxd = wantX ? gx.data() : null;
        // Each chunk's share of dW, summed in chunk order afterwards: the same sums on any thread count.
        float[] partial = wantW ? Workspace.uninitialized(chunks, o * cols).data() : null;
        Parallel.forEach(chunks, t -> {
            int s0 = t * chunk;
            int samples = Math.min(chunk, n - s0);
            int positions = samples * oh * ow;
            Scratch scratch = SCRATCH.get();
            // G' = the output gradient as O × positions, the layout of the forward's product.
            float[] gt = scratch.product(o * positions);
            imagesToChannelsMajor(gd, gt, s0, samples, o, oh * ow);
            float[] columns = scratch.columns(cols * positions);
            if (wantW) {
                columns(xd, columns, true, s0, samples, c, h, w, k, stride, padding, oh, ow);
                Blas.sgemm(
                        false,
                        true,
                        o,
                        cols,
                        positions,
                        1f,
                        gt,
                        0,
                        positions,
                        columns,
                        0,
                        positions,
                        0f,
                        partial,
                        t * o * cols,
                        cols);
            }
            if (wantX) {
                Blas.sgemm(
                        true, false, cols, positions, o, 1f, wd, 0, cols, gt, 0, positions, 0f, columns, 0, positions);
                // col2im, the adjoint of im2col: each column entry added to the pixel it was read from.
                columns(gxd, columns, false, s0, samples, c, h, w, k, stride, padding, oh, ow);
            }
        });
        Tensor gw = null;
        if (wantW) {
            gw = newTensorLike(weight);
            float[] gwd = gw.data();
            int size = o * cols;
            for (int t = 0; t < chunks; t++) {
                for (int i = 0, at = t * size; i < size; i++) {
                    gwd[i] += partial[at + i];
                }
            }
        }
        Tensor gb = null;
        if (hasBias && needsInputGrad(2)) {
            gb = newTensor(o);
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

    /**
     * Samples per chunk: the chunk's columns, about {@link #CHUNK_FLOATS} floats, stay in the
     * core's L2 cache between the im2col that writes them and the product that reads them.
     */
    private int chunkSamples() {
        return Math.max(1, Math.min(n, CHUNK_FLOATS / Math.max(1, c * k * k * oh * ow)));
    }

    private int chunks() {
        int chunk = chunkSamples();
        return (n + chunk - 1) / chunk;
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

    /**
     * The forward's im2col, with a row per patch entry and a column per output position: entry
     * {@code ((ch·k + u)·k + v, (s·OH + i)·OW + j)} is pixel {@code x[s, ch, i·stride − padding + u,
     * j·stride − padding + v]} (zero in the padding). With {@code gather}, copies the pixels into
     * the columns; otherwise adds each column entry to its pixel (col2im). A row's positions of one
     * output row are a run of OW pixels, contiguous at stride 1. A sample's positions and pixels
     * belong to it alone, so samples run in parallel without races.
     */
    private static void columns(
            float[] image,
            float[] columns,
            boolean gather,
            int s0,
            int n,
            int c,
            int h,
            int w,
            int k,
            int stride,
            int padding,
            int oh,
            int ow) {
        int positions = n * oh * ow;
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = ((s0 + s) * c + ch) * h * w;
                for (int u = 0; u < k; u++) {
                    for (int v = 0; v < k; v++) {
                        int row = ((ch * k + u) * k + v) * positions + s * oh * ow;
                        if (stride == 1 && padding == 0) {
                            window(image, plane + u * w + v, w, columns, row, oh, ow, gather);
                            continue;
                        }
                        // Output columns j0..j1-1 read inside the image; the others read padding.
                        int j0 = Math.max(0, (padding - v + stride - 1) / stride);
                        int j1 = Math.max(j0, Math.min(ow, Math.floorDiv(w - 1 + padding - v, stride) + 1));
                        for (int i = 0; i < oh; i++) {
                            int y = i * stride - padding + u;
                            int at = row + i * ow;
                            if (y < 0 || y >= h) {
                                if (gather) {
                                    Arrays.fill(columns, at, at + ow, 0f);
                                }
                                continue;
                            }
                            int pixel = plane + y * w + j0 * stride - padding + v;
                            if (gather) {
                                if (j0 > 0) {
                                    Arrays.fill(columns, at, at + j0, 0f);
                                }
                                if (stride == 1) {
                                    for (int j = j0; j < j1; j++) {
                                        columns[at + j] = image[pixel + j - j0];
                                    }
                                } else {
                                    for (int j = j0, px = pixel; j < j1; j++, px += stride) {
                                        columns[at + j] = image[px];
                                    }
                                }
                                if (j1 < ow) {
                                    Arrays.fill(columns, at + j1, at + ow, 0f);
                                }
                            } else if (stride == 1) {
                                for (int j = j0; j < j1; j++) {
                                    image[pixel + j - j0] += columns[at + j];
                                }
                            } else {
                                for (int j = j0, px = pixel; j < j1; j++, px += stride) {
                                    image[px] += columns[at + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The {@code oh × ow} window of an image at {@code from} (row stride {@code w}) copied to the
     * {@code oh·ow} floats at {@code at} ({@code gather}), or those added to it: one loop over the
     * whole window, since runs of a few pixels each cost a loop's set-up of their own.
     */
    private static void window(
            float[] image, int from, int w, float[] columns, int at, int oh, int ow, boolean gather) {
        int end = at + oh * ow;
        int pixel = from;
        int j = 0;
        if (gather) {
            for (int q = at; q < end; q++) {
                columns[q] = image[pixel++];
                if (++j == ow) {
                    j = 0;
                    pixel += w - ow;
                }
            }
        } else {
            for (int q = at; q < end; q++) {
                image[pixel++] += columns[q];
                if (++j == ow) {
                    j = 0;
                    pixel += w - ow;
                }
            }
        }
    }

    /**
     * O × (n·OH·OW), a row per channel, to samples {@code s0 ..} of (N, O, OH, OW), adding the bias
     * when there is one.
     */
    private static void channelsMajorToImages(
            float[] product, float[] bias, float[] y, int s0, int n, int o, int plane) {
        int positions = n * plane;
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < o; ch++) {
                int from = ch * positions + s * plane;
                int out = ((s0 + s) * o + ch) * plane;
                if (bias == null) {
                    System.arraycopy(product, from, y, out, plane);
                } else {
                    float b = bias[ch];
                    for (int p = 0; p < plane; p++) {
                        y[out + p] = product[from + p] + b;
                    }
                }
            }
        }
    }

    /** Samples {@code s0 ..} of (N, O, OH, OW) as O × (n·OH·OW): the layout of the forward's product. */
    private static void imagesToChannelsMajor(float[] g, float[] gt, int s0, int n, int o, int plane) {
        int positions = n * plane;
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < o; ch++) {
                System.arraycopy(g, ((s0 + s) * o + ch) * plane, gt, ch * positions + s * plane, plane);
            }
        }
    }

    /** A thread's chunk buffers, grown when a chunk needs more. */
    private static final class Scratch {
        private float[] columns = new float[0];
        private float[] product = new float[0];

        float[] columns(int size) {
            if (columns.length < size) {
                columns = new float[size];
            }
            return columns;
        }

        float[] product(int size) {
            if (product.length < size) {
                product = new float[size];
            }
            return product;
        }
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

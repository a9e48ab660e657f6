package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * 2-d convolution (PyTorch's cross-correlation) of {@code x} (N, C, H, W) with {@code w}
 * (O, C, k, k) and an optional bias {@code b} (O), stride {@code s}, zero padding {@code p}:
 * {@code y[n,o,i,j] = b[o] + Σ_{c,u,v} w[o,c,u,v]·x[n,c,i·s−p+u, j·s−p+v]}, of shape
 * (N, O, OH, OW) with {@code OH = (H + 2p − k)/s + 1}.
 *
 * <p>Computed as one GEMM on the im2col matrix {@code X'} ((C·k·k) × (N·OH·OW), a column per
 * output position): {@code Y' = W·X'}, with W seen as O × (C·k·k), a product as wide as the batch's
 * output positions, whose rows are the output channels; a forward at stride 1 without padding and
 * with few taps reads the image at shifts instead ({@link Kernels#shiftedProducts}). Backward, with {@code G'} the output
 * gradient as O × (N·OH·OW): {@code dW = G'·X'ᵀ}, {@code db = Σ_columns G'},
 * {@code dx = col2im(Wᵀ·G')} (col2im adds each column entry back to the pixel it came from).
 * A population's products take the same form on the whole batch's im2col matrix: see {@link #im2col}.
 */
public final class Conv2dFunction extends Function {

    /**
     * The most output channels for which dW is made transposed, {@code X'·G'ᵀ}: a narrow product
     * (up to 16 columns the GEMM computes as dot products of rows read in place) or one whose packing
     * transposes only G' (O × positions) and lays X' out row by row, where {@code G'·X'ᵀ} would
     * transpose the im2col matrix, C·k·k times larger: faster for the reference convnet's 16 and 32
     * channels.
     */
    private static final int MAX_TRANSPOSED_OUTPUTS = 32;

    /** The most taps ({@code C·k·k}) for which the forward skips im2col: see {@link #direct}. */
    private static final int DIRECT_TAPS = 32;

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
        geometry(x, weight.dim(0), weight.dim(2));
        if (bias != null) {
            checkShape("bias", bias, o);
        }
        Tensor y = Workspace.uninitialized(n, o, oh, ow);
        float[] b = bias == null ? null : bias.data();
        float[] xd = x.data();
        float[] wd = weight.data();
        float[] yd = y.data();
        saveForBackward(x, weight);
        if (direct()) {
            forwardDirect(xd, wd, b, yd);
            return y;
        }
        int chunk = chunkSamples();
        Parallel.forEach(chunks(), t -> {
            int s0 = t * chunk;
            int samples = Math.min(chunk, n - s0);
            int positions = samples * oh * ow;
            int cols = c * k * k;
            Scratch scratch = SCRATCH.get();
            float[] columns = scratch.columns(cols * positions);
            float[] product = scratch.product(o * positions);
            columns(xd, columns, true, s0, samples, positions, 0);
            Blas.sgemm(
                    false, false, o, positions, cols, 1f, wd, 0, cols, columns, 0, positions, 0f, product, 0,
                    positions);
            channelsToImages(product, b, yd, s0, samples, o, oh * ow);
        });
        return y;
    }

    /**
     * True when the forward reads each sample's image at shifts instead of through im2col: stride 1,
     * no padding, and few taps ({@code C·k·k}, the GEMM's K), where the im2col matrix costs as much
     * to build as the short product it feeds (a first layer on a grey image).
     */
    private boolean direct() {
        return stride == 1 && padding == 0 && c * k * k <= DIRECT_TAPS;
    }

    /**
     * The forward a sample at a time, {@link Kernels#shiftedProducts}: each output row computed on the
     * image's full width W (its last {@code W − OW} positions read across the row's end and are
     * skipped), then copied out without them. Summed in the packed vector GEMM's order, so the bits
     * are those of the im2col product where the GEMM packs (the reference convnet's layers); its
     * narrow and scalar paths may differ in the last bit.
     */
    private void forwardDirect(float[] xd, float[] wd, float[] b, float[] yd) {
        Kernels kernels = Simd.kernels();
        int taps = c * k * k;
        int[] shifts = new int[taps];
        for (int ch = 0; ch < c; ch++) {
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    shifts[(ch * k + u) * k + v] = (ch * h + u) * w + v;
                }
            }
        }
        int span = (oh - 1) * w + ow;
        Parallel.forEach(n, s -> {
            float[] wide = SCRATCH.get().product(o * span);
            kernels.shiftedProducts(o, taps, wd, shifts, b, xd, s * c * h * w, span, wide, 0, span);
            kernels.copy3d(o, oh, ow, wide, 0, w, span, yd, s * o * oh * ow, ow, oh * ow);
        });
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        float[] xd = saved(0).data();
        Tensor weight = saved(1);
        float[] wd = weight.data();
        float[] gd = g.data();
        Kernels kernels = Simd.kernels();
        int cols = c * k * k;
        int chunk = chunkSamples();
        int chunks = chunks();
        boolean transposed = o <= MAX_TRANSPOSED_OUTPUTS;
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
            imagesToChannels(gd, gt, s0, samples, o, oh * ow);
            float[] columns = scratch.columns(cols * positions);
            if (wantW) {
                columns(xd, columns, true, s0, samples, positions, 0);
                // dWᵀ = X'·G'ᵀ with few output channels (see MAX_TRANSPOSED_OUTPUTS), dW = G'·X'ᵀ otherwise.
                int rows = transposed ? cols : o;
                int width = transposed ? o : cols;
                Blas.sgemm(
                        false,
                        true,
                        rows,
                        width,
                        positions,
                        1f,
                        transposed ? columns : gt,
                        0,
                        positions,
                        transposed ? gt : columns,
                        0,
                        positions,
                        0f,
                        partial,
                        t * o * cols,
                        width);
            }
            if (wantX) {
                Blas.sgemm(
                        true, false, cols, positions, o, 1f, wd, 0, cols, gt, 0, positions, 0f, columns, 0, positions);
                // col2im, the adjoint of im2col: each column entry added to the pixel it was read from.
                columns(gxd, columns, false, s0, samples, positions, 0);
            }
        });
        Tensor gw = null;
        if (wantW) {
            gw = newTensorLike(weight);
            float[] gwd = gw.data();
            int size = o * cols;
            // The shares summed in chunk order from 0, in their own layout; transposed shares once at the end.
            float[] sum = transposed ? newTensor(cols, o).data() : gwd;
            for (int t = 0, at = 0; t < chunks; t++, at += size) {
                kernels.add(sum, 0, partial, at, sum, 0, size);
            }
            if (transposed) {
                for (int ch = 0; ch < o; ch++) {
                    for (int col = 0; col < cols; col++) {
                        // Entry (ch, col) of dW, at (col, ch) in a transposed share.
                        gwd[ch * cols + col] = sum[col * o + ch];
                    }
                }
            }
        }
        Tensor gb = null;
        if (hasBias && needsInputGrad(2)) {
            gb = newTensor(o);
            float[] gbd = gb.data();
            int plane = oh * ow;
            for (int ch = 0; ch < o; ch++) {
                // In double, in lanes that add independently: the same sum on any thread count.
                double sum = 0;
                for (int s = 0; s < n; s++) {
                    sum += kernels.sumInDouble(gd, (s * o + ch) * plane, plane);
                }
                gbd[ch] = (float) sum;
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

    /**
     * Records the geometry of the convolution of {@code x} (N, C, H, W) by {@code out} kernels of
     * {@code kernel × kernel}.
     *
     * @throws IllegalArgumentException when the kernel is larger than the padded input
     */
    private void geometry(Tensor x, int out, int kernel) {
        if (x.dim(2) + 2 * padding < kernel || x.dim(3) + 2 * padding < kernel) {
            throw new IllegalArgumentException("conv2d: kernel " + kernel + " is larger than the padded input "
                    + (x.dim(2) + 2 * padding) + "x" + (x.dim(3) + 2 * padding) + " (input "
                    + Arrays.toString(x.shape()) + ", padding " + padding + ")");
        }
        n = x.dim(0);
        c = x.dim(1);
        h = x.dim(2);
        w = x.dim(3);
        o = out;
        k = kernel;
        oh = outputSize(h, k, stride, padding);
        ow = outputSize(w, k, stride, padding);
    }

    /**
     * The im2col matrix of {@code x} (N, C, H, W) for a {@code kernel × kernel} kernel, as the
     * convolution's forward builds it, for the whole batch: {@code (C·k·k) × (N·OH·OW)}, column
     * {@code (s·OH + i)·OW + j} holding the patch of every channel under output pixel (i, j) of sample
     * s, zero in the padding; a workspace tensor. For a module that multiplies it with weights of its
     * own (a population's perturbed ones), {@code W·X}.
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
        Conv2dFunction conv = new Conv2dFunction(stride, padding);
        conv.geometry(x, 0, kernel);
        int plane = conv.oh * conv.ow;
        int positions = conv.n * plane;
        Tensor columns = Workspace.uninitialized(conv.c * kernel * kernel, positions);
        float[] xd = x.data();
        float[] cd = columns.data();
        Parallel.forEach(conv.n, s -> conv.columns(xd, cd, true, s, 1, positions, s * plane));
        return columns;
    }

    /**
     * The forward's im2col of samples {@code s0 .. s0 + samples − 1}, with a row per patch entry (rows
     * of {@code ld} floats) and a column per output position from column {@code first}: entry
     * {@code ((ch·k + u)·k + v, first + (s·OH + i)·OW + j)} is pixel {@code x[s0 + s, ch, i·stride −
     * padding + u, j·stride − padding + v]} (zero in the padding). With {@code gather}, copies the
     * pixels into the columns; otherwise adds each column entry to its pixel (col2im). A row's
     * positions of one output row are a run of OW pixels, contiguous at stride 1, where a row's
     * inside of the image is a window of it, copied or added for all the samples by one call of the
     * block kernels. A sample's positions and pixels belong to it alone, so samples run in parallel
     * without races, and each pixel receives its additions in (u, v) order.
     */
    private void columns(float[] image, float[] columns, boolean gather, int s0, int samples, int ld, int first) {
        Kernels kernels = Simd.kernels();
        int sample = c * h * w;
        int image0 = s0 * sample;
        int plane = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int row = ((ch * k + u) * k + v) * ld + first;
                    if (stride == 1) {
                        // Output rows i0..i1-1 and columns j0..j1-1 read inside the image, a window
                        // of it the same in every sample; the others read padding.
                        int i0 = Math.min(oh, Math.max(0, padding - u));
                        int i1 = Math.max(i0, Math.min(oh, h + padding - u));
                        int j0 = Math.min(ow, Math.max(0, padding - v));
                        int j1 = Math.max(j0, Math.min(ow, w + padding - v));
                        if (gather && (i0 > 0 || i1 < oh || j0 > 0 || j1 < ow)) {
                            Arrays.fill(columns, row, row + samples * plane, 0f);
                        }
                        int pixel = image0 + ch * h * w + (i0 - padding + u) * w + j0 - padding + v;
                        int at = row + i0 * ow + j0;
                        // One call for all the chunk's samples: a sample's window is C·H·W pixels
                        // after the one before, its columns OH·OW after.
                        if (i1 > i0 && j1 > j0 && gather) {
                            kernels.copy3d(samples, i1 - i0, j1 - j0, image, pixel, w, sample, columns, at, ow, plane);
                        } else if (i1 > i0 && j1 > j0) {
                            kernels.add3d(samples, i1 - i0, j1 - j0, columns, at, ow, plane, image, pixel, w, sample);
                        }
                        continue;
                    }
                    // Output columns j0..j1-1 read inside the image; the others read padding.
                    int j0 = Math.max(0, (padding - v + stride - 1) / stride);
                    int j1 = Math.max(j0, Math.min(ow, Math.floorDiv(w - 1 + padding - v, stride) + 1));
                    for (int s = 0; s < samples; s++) {
                        int channel = ((s0 + s) * c + ch) * h * w;
                        for (int i = 0; i < oh; i++) {
                            int y = i * stride - padding + u;
                            int at = row + s * plane + i * ow;
                            if (y < 0 || y >= h) {
                                if (gather) {
                                    Arrays.fill(columns, at, at + ow, 0f);
                                }
                                continue;
                            }
                            int pixel = channel + y * w + j0 * stride - padding + v;
                            for (int j = j0, px = pixel; j < j1; j++, px += stride) {
                                if (gather) {
                                    columns[at + j] = image[px];
                                } else {
                                    image[px] += columns[at + j];
                                }
                            }
                            if (gather) {
                                Arrays.fill(columns, at, at + j0, 0f);
                                Arrays.fill(columns, at + j1, at + ow, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * O × (n·OH·OW), a row per channel, to samples {@code s0 ..} of (N, O, OH, OW), adding the bias
     * when there is one.
     */
    private static void channelsToImages(float[] product, float[] bias, float[] y, int s0, int n, int o, int plane) {
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
    private static void imagesToChannels(float[] g, float[] gt, int s0, int n, int o, int plane) {
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

    @Override
    protected Formula formula() {
        return new Formula(
                "z = im2col(x)·wᵀ + b  (stride " + stride + ", padding " + padding + ")",
                "∂L/∂w = (∂L/∂z)ᵀ·im2col(x),  ∂L/∂x = col2im(∂L/∂z·w),  ∂L/∂b = Σ ∂L/∂z");
    }
}

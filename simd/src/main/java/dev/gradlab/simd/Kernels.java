package dev.gradlab.simd;

/**
 * Elementwise, row-wise and reduction kernels on {@code float[]} slices. Every method names its
 * arrays with an offset and works on {@code n} consecutive elements (or {@code rows × cols}
 * contiguous row-major elements). Output may alias input when both use the same offset.
 *
 * <p>Two implementations exist with identical semantics: the scalar one ({@link Simd#scalar()}),
 * the readable specification, and a Vector API one ({@link Simd#vector()});
 * {@link Simd#kernels()} returns the one chosen at start-up.
 * Arguments are not checked here: callers (tensors, layers) check shapes once, up front.
 *
 * <p>Accuracy: exp is within 2 ulps of the true value, tanh within 2, sigmoid within 3 (where its
 * value is at least 2^-125; below that, and for exp, results under 2^-125 are flushed to 0). Both
 * implementations evaluate the same approximations, so elementwise results are identical; sums,
 * dot products and softmax totals may differ in the order of addition.
 */
public interface Kernels {

    // ---- activations: y = f(x), and gradIn = gradOut · f'(x) ----

    /** {@code y = 1 / (1 + e^-x)}, without overflow for any finite or infinite x. */
    void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n);

    /** {@code gx = gy · y · (1 - y)}, from the saved output {@code y = sigmoid(x)}. */
    void sigmoidBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n);

    /** {@code y = tanh(x)}. */
    void tanh(float[] x, int xOffset, float[] y, int yOffset, int n);

    /** {@code gx = gy · (1 - y²)}, from the saved output {@code y = tanh(x)}. */
    void tanhBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n);

    /** {@code y = max(x, 0)}. */
    void relu(float[] x, int xOffset, float[] y, int yOffset, int n);

    /** {@code gx = gy} where {@code x > 0}, else 0, from the saved input. */
    void reluBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n);

    /** ReQU: {@code y = x²} where {@code x > 0}, else 0. */
    void requ(float[] x, int xOffset, float[] y, int yOffset, int n);

    /** {@code gx = gy · 2x} where {@code x > 0}, else 0, from the saved input. */
    void requBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n);

    /** {@code y = e^x}: {@code +∞} above {@code ln(Float.MAX_VALUE)}, 0 where {@code e^x < 2^-125}. */
    void exp(float[] x, int xOffset, float[] y, int yOffset, int n);

    /**
     * {@code y = ln x}, within 2 ulps: {@code −∞} at ±0, NaN below 0 and for NaN, {@code +∞} at
     * {@code +∞}; subnormal inputs take the slower exact path.
     */
    void log(float[] x, int xOffset, float[] y, int yOffset, int n);

    // ---- rows: a rows × cols row-major block, contiguous (leading dimension = cols) ----

    /** Softmax of each row, computed as {@code e^(x - max) / Σ e^(x - max)}. */
    void softmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols);

    /** Log-softmax of each row, {@code (x - max) - log Σ e^(x - max)}. */
    void logSoftmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols);

    /**
     * Mean cross-entropy of the rows of {@code logits} against integer class labels, through a
     * stable log-softmax. When {@code gradLogits} is not null it receives the gradient of that mean
     * with respect to the logits, {@code (softmax(row) - onehot(label)) / rows}. Labels must be in
     * {@code [0, cols)} (the caller checks).
     *
     * @return the mean loss over the rows
     */
    float softmaxCrossEntropy(
            float[] logits,
            int logitsOffset,
            int rows,
            int cols,
            int[] labels,
            int labelsOffset,
            float[] gradLogits,
            int gradOffset);

    // ---- reductions and BLAS level 1 ----

    /** {@code Σ x}. Summation order may differ between implementations. */
    float sum(float[] x, int xOffset, int n);

    /**
     * {@code Σ x} accumulated in double precision, in 16 lanes (lane j adds {@code x[16m + j]} in
     * order of m) combined by a fixed tree, then the last {@code n mod 16} elements in order: the
     * same result in both implementations, without one long chain of dependent additions.
     */
    double sumInDouble(float[] x, int xOffset, int n);

    /** {@code Σ x·y}. */
    float dot(float[] x, int xOffset, float[] y, int yOffset, int n);

    /** {@code y += alpha · x}. */
    void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code z = y + alpha · x}: axpy into a third array ({@code z} may be {@code y}). */
    void axpyTo(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset);

    /** {@code x *= alpha}. */
    void scale(int n, float alpha, float[] x, int xOffset);

    /** {@code z = x + y}. */
    void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);

    /** {@code z = x · y}, elementwise. */
    void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n);

    /** Adds the row vector {@code bias[0..cols)} to every row of a contiguous rows × cols block. */
    void addRowVector(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols);

    /** {@code out[j] += Σ_i x[i, j]}: column sums of a contiguous rows × cols block, accumulated. */
    void sumRows(float[] x, int xOffset, int rows, int cols, float[] out, int outOffset);

    /**
     * {@code y[r, j] = x[r, j]} for a rows × cols block whose rows are {@code ldx} apart in {@code x}
     * and {@code ldy} apart in {@code y} (a window of an image to contiguous rows: im2col).
     */
    default void copy2d(int rows, int cols, float[] x, int xOffset, int ldx, float[] y, int yOffset, int ldy) {
        copy3d(1, rows, cols, x, xOffset, ldx, 0, y, yOffset, ldy, 0);
    }

    /** {@code y[r, j] += x[r, j]} for blocks laid out as {@link #copy2d}'s (its adjoint: col2im). */
    default void add2d(int rows, int cols, float[] x, int xOffset, int ldx, float[] y, int yOffset, int ldy) {
        add3d(1, rows, cols, x, xOffset, ldx, 0, y, yOffset, ldy, 0);
    }

    /**
     * {@link #copy2d} of {@code blocks} blocks, block b's rows starting at {@code xOffset + b·xBlock} in
     * {@code x} and {@code yOffset + b·yBlock} in {@code y}: the same window of several images in one
     * call (im2col of a chunk of samples).
     */
    void copy3d(
            int blocks,
            int rows,
            int cols,
            float[] x,
            int xOffset,
            int ldx,
            int xBlock,
            float[] y,
            int yOffset,
            int ldy,
            int yBlock);

    /** {@link #add2d} of blocks laid out as {@link #copy3d}'s, one block after another (col2im). */
    void add3d(
            int blocks,
            int rows,
            int cols,
            float[] x,
            int xOffset,
            int ldx,
            int xBlock,
            float[] y,
            int yOffset,
            int ldy,
            int yBlock);

    /**
     * A stride-1 convolution read at shifts, without an im2col matrix: for every output row
     * {@code o < outputs} and position {@code q < positions},
     * {@code y[yOffset + o·ldy + q] = Σ_{t < taps} w[o·taps + t]·x[xOffset + q + shifts[t]]}, plus
     * {@code bias[o]} when {@code bias} is not null. With a sample's image as {@code x} (planes of
     * H × W), {@code shifts[(c·k + u)·k + v] = c·H·W + u·W + v} and {@code positions = (OH − 1)·W + OW},
     * position {@code i·W + j} of row o is output pixel (i, j) for {@code j < OW}; the others are
     * computed and meant to be skipped. The sum runs in t order, a fused multiply-add each from 0,
     * the bias added last, in both implementations: the order in which the packed vector GEMM sums
     * a product of so few terms on the im2col matrix.
     */
    void shiftedProducts(
            int outputs,
            int taps,
            float[] w,
            int[] shifts,
            float[] bias,
            float[] x,
            int xOffset,
            int positions,
            float[] y,
            int yOffset,
            int ldy);

    /**
     * 2×2 max pooling at stride 2 into a contiguous rows × cols block:
     * {@code y[r, j] = max(x[2r, 2j], x[2r, 2j + 1], x[2r + 1, 2j], x[2r + 1, 2j + 1])}, with the input's
     * rows {@code ldx} apart from {@code xOffset}, the maximum {@link Math#max}'s (−0 below +0, NaN
     * above all). When {@code argmax} is not null, {@code argmax[yOffset + r·cols + j]} receives the
     * index, relative to {@code xOffset}, of the window's first element in row-major order with the
     * maximum's bits, or of its first NaN: PyTorch's winner, as a float (exact below 2^24). Values
     * and winners are identical in both implementations (a NaN's payload aside).
     */
    void maxPool2x2(int rows, int cols, float[] x, int xOffset, int ldx, float[] y, int yOffset, float[] argmax);

    /**
     * The adjoint of {@link #maxPool2x2}, each window written whole: the element at index
     * {@code argmax[gOffset + r·cols + j]} (relative to {@code gxOffset}, rows {@code ldx} apart, as
     * {@link #maxPool2x2} gives them) is set to {@code 0 + g[gOffset + r·cols + j]} and the window's
     * other three to +0. The windows do not overlap, so this is the gradient added into zeros (a −0
     * gradient lands as +0, as PyTorch's scatter-add); elements no window covers are left as they are.
     */
    void maxPool2x2Backward(
            int rows, int cols, float[] g, int gOffset, float[] argmax, float[] gx, int gxOffset, int ldx);

    // ---- noise ----

    /**
     * Fills {@code out[outOffset .. outOffset + n)} with standard normal samples number
     * {@code index, index + 1, …} of the stream {@code (seed, stream)}. Counter-based: sample i of a
     * stream depends only on {@code (seed, stream, i)}, so any slice can be regenerated on its own
     * and the values do not depend on how work is split across threads. Samples are Box–Muller
     * pairs from 32-bit hashes, identical in both implementations; |z| never exceeds 5.65 (a tail
     * of probability 1.6e-8 is cut). docs/kernels.md describes the layout.
     */
    void gaussian(long seed, long stream, long index, float[] out, int outOffset, int n);
}

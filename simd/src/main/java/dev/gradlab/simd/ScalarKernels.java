package dev.gradlab.simd;

/**
 * The reference kernels: plain loops, one element at a time. The specification of {@link Kernels}.
 * exp, tanh and sigmoid use {@link FloatMath}'s approximations (within a few ulps of the true
 * values), the same ones the Vector API kernels use, so that the two agree to the bit there.
 */
final class ScalarKernels implements Kernels {

    @Override
    public void sigmoid(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = FloatMath.sigmoid(x[xOffset + i]);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[yOffset + i];
            gx[gxOffset + i] = gy[gyOffset + i] * s * (1f - s);
        }
    }

    @Override
    public void tanh(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = FloatMath.tanh(x[xOffset + i]);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float t = y[yOffset + i];
            gx[gxOffset + i] = gy[gyOffset + i] * (1f - t * t);
        }
    }

    @Override
    public void relu(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            y[yOffset + i] = v <= 0f ? 0f : v; // NaN passes, as in PyTorch
        }
    }

    @Override
    public void reluBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        for (int i = 0; i < n; i++) {
            gx[gxOffset + i] = x[xOffset + i] > 0f ? gy[gyOffset + i] : 0f;
        }
    }

    @Override
    public void requ(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            y[yOffset + i] = v <= 0f ? 0f : v * v;
        }
    }

    @Override
    public void requBackward(float[] x, int xOffset, float[] gy, int gyOffset, float[] gx, int gxOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            gx[gxOffset + i] = v > 0f ? gy[gyOffset + i] * 2f * v : 0f;
        }
    }

    @Override
    public void exp(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = FloatMath.exp(x[xOffset + i]);
        }
    }

    @Override
    public void log(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = FloatMath.logAnywhere(x[xOffset + i]);
        }
    }

    @Override
    public void softmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            int yi = yOffset + r * cols;
            float max = rowMax(x, xi, cols);
            float total = 0f;
            for (int j = 0; j < cols; j++) {
                float e = FloatMath.exp(x[xi + j] - max);
                y[yi + j] = e;
                total += e;
            }
            float inv = 1f / total;
            for (int j = 0; j < cols; j++) {
                y[yi + j] *= inv;
            }
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOffset, float[] y, int yOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            int yi = yOffset + r * cols;
            float max = rowMax(x, xi, cols);
            float logTotal = (float) Math.log(sumExpShifted(x, xi, cols, max));
            for (int j = 0; j < cols; j++) {
                y[yi + j] = (x[xi + j] - max) - logTotal; // not x - (max + logTotal): that rounds at max's scale
            }
        }
    }

    @Override
    public float softmaxCrossEntropy(
            float[] logits,
            int logitsOffset,
            int rows,
            int cols,
            int[] labels,
            int labelsOffset,
            float[] gradLogits,
            int gradOffset) {
        double loss = 0;
        float invRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int li = logitsOffset + r * cols;
            int label = labels[labelsOffset + r];
            float max = rowMax(logits, li, cols);
            float labelShifted = logits[li + label] - max; // read before gradLogits, which may alias logits
            float total = 0f;
            for (int j = 0; j < cols; j++) {
                float e = FloatMath.exp(logits[li + j] - max);
                if (gradLogits != null) {
                    gradLogits[gradOffset + r * cols + j] = e;
                }
                total += e;
            }
            loss += Math.log(total) - labelShifted;
            if (gradLogits != null) {
                softmaxGradient(gradLogits, gradOffset + r * cols, cols, label, 1f / total, invRows);
            }
        }
        return (float) (loss / rows);
    }

    /** Turns a row of {@code e^(x - max)} into {@code (softmax - onehot(label)) / rows}. */
    private static void softmaxGradient(float[] g, int offset, int cols, int label, float invTotal, float invRows) {
        float labelProbability = g[offset + label] * invTotal;
        for (int j = 0; j < cols; j++) {
            g[offset + j] = g[offset + j] * invTotal * invRows;
        }
        g[offset + label] = (labelProbability - 1f) * invRows;
    }

    private static float rowMax(float[] x, int offset, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[offset + j]);
        }
        return max;
    }

    /** {@code Σ e^(x - max)} of one row. */
    private static float sumExpShifted(float[] x, int offset, int cols, float max) {
        float total = 0f;
        for (int j = 0; j < cols; j++) {
            total += FloatMath.exp(x[offset + j] - max);
        }
        return total;
    }

    @Override
    public float sum(float[] x, int xOffset, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i];
        }
        return s;
    }

    @Override
    public double sumInDouble(float[] x, int xOffset, int n) {
        int blocks = n / 16;
        double total = (lanes(x, xOffset, blocks, 0) + lanes(x, xOffset, blocks, 1))
                + (lanes(x, xOffset, blocks, 2) + lanes(x, xOffset, blocks, 3));
        for (int i = 16 * blocks; i < n; i++) {
            total += x[xOffset + i];
        }
        return total;
    }

    /** Lanes j, j + 4, j + 8 and j + 12 of {@link #sumInDouble}, each a sum over the blocks in order. */
    private static double lanes(float[] x, int xOffset, int blocks, int j) {
        double l0 = 0;
        double l4 = 0;
        double l8 = 0;
        double l12 = 0;
        for (int b = 0, at = xOffset + j; b < blocks; b++, at += 16) {
            l0 += x[at];
            l4 += x[at + 4];
            l8 += x[at + 8];
            l12 += x[at + 12];
        }
        return (l0 + l4) + (l8 + l12);
    }

    @Override
    public float dot(float[] x, int xOffset, float[] y, int yOffset, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i] * y[yOffset + i];
        }
        return s;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    public void axpyTo(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = y[yOffset + i] + alpha * x[xOffset + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] *= alpha;
        }
    }

    @Override
    public void add(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] + y[yOffset + i];
        }
    }

    @Override
    public void mul(float[] x, int xOffset, float[] y, int yOffset, float[] z, int zOffset, int n) {
        for (int i = 0; i < n; i++) {
            z[zOffset + i] = x[xOffset + i] * y[yOffset + i];
        }
    }

    @Override
    public void addRowVector(float[] bias, int biasOffset, float[] x, int xOffset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            for (int j = 0; j < cols; j++) {
                x[xi + j] += bias[biasOffset + j];
            }
        }
    }

    @Override
    public void sumRows(float[] x, int xOffset, int rows, int cols, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            int xi = xOffset + r * cols;
            for (int j = 0; j < cols; j++) {
                out[outOffset + j] += x[xi + j];
            }
        }
    }

    @Override
    public void shiftedProducts(
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
            int ldy) {
        for (int o = 0; o < outputs; o++) {
            shiftedRow(o, positions, taps, w, shifts, bias, x, xOffset, y, yOffset + o * ldy);
        }
    }

    /** Row o of {@link #shiftedProducts}, written from {@code y[row]}. */
    static void shiftedRow(
            int o,
            int positions,
            int taps,
            float[] w,
            int[] shifts,
            float[] bias,
            float[] x,
            int xOffset,
            float[] y,
            int row) {
        for (int q = 0; q < positions; q++) {
            float sum = 0f;
            for (int t = 0; t < taps; t++) {
                sum = Math.fma(w[o * taps + t], x[xOffset + q + shifts[t]], sum);
            }
            y[row + q] = bias == null ? sum : sum + bias[o];
        }
    }

    @Override
    public void copy3d(
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
            int yBlock) {
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, xOffset + b * xBlock + r * ldx, y, yOffset + b * yBlock + r * ldy, cols);
            }
        }
    }

    @Override
    public void add3d(
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
            int yBlock) {
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < rows; r++) {
                int xi = xOffset + b * xBlock + r * ldx;
                int yi = yOffset + b * yBlock + r * ldy;
                for (int j = 0; j < cols; j++) {
                    y[yi + j] += x[xi + j];
                }
            }
        }
    }

    @Override
    public void maxPool2x2(
            int rows, int cols, float[] x, int xOffset, int ldx, float[] y, int yOffset, float[] argmax) {
        for (int r = 0; r < rows; r++) {
            maxPool2x2Row(0, cols, x, xOffset, xOffset + 2 * r * ldx, ldx, y, yOffset + r * cols, argmax);
        }
    }

    /**
     * Outputs {@code j0 .. j1 − 1} of one row of {@link #maxPool2x2}, whose windows' top row starts
     * at {@code top}, into {@code y[q + j]} (and {@code argmax[q + j]}).
     */
    static void maxPool2x2Row(
            int j0, int j1, float[] x, int xOffset, int top, int ldx, float[] y, int q, float[] argmax) {
        for (int j = j0; j < j1; j++) {
            int p = top + 2 * j;
            float max = Math.max(Math.max(x[p], x[p + 1]), Math.max(x[p + ldx], x[p + ldx + 1]));
            y[q + j] = max;
            if (argmax != null) {
                int at = p - xOffset;
                int best = at + ldx + 1;
                best = wins(x[p + ldx], max) ? at + ldx : best;
                best = wins(x[p + 1], max) ? at + 1 : best;
                best = wins(x[p], max) ? at : best;
                argmax[q + j] = best;
            }
        }
    }

    @Override
    public void maxPool2x2Backward(
            int rows, int cols, float[] g, int gOffset, float[] argmax, float[] gx, int gxOffset, int ldx) {
        for (int r = 0; r < rows; r++) {
            maxPool2x2BackwardRow(0, cols, g, gOffset + r * cols, argmax, gx, gxOffset, gxOffset + 2 * r * ldx, ldx);
        }
    }

    /** Windows {@code j0 .. j1 − 1} of one row of {@link #maxPool2x2Backward}, whose top row starts at {@code top}. */
    static void maxPool2x2BackwardRow(
            int j0, int j1, float[] g, int q, float[] argmax, float[] gx, int gxOffset, int top, int ldx) {
        for (int j = j0; j < j1; j++) {
            int p = top + 2 * j;
            int winner = gxOffset + (int) argmax[q + j];
            float value = 0f + g[q + j]; // as added into zeros: −0 becomes +0
            gx[p] = p == winner ? value : 0f;
            gx[p + 1] = p + 1 == winner ? value : 0f;
            gx[p + ldx] = p + ldx == winner ? value : 0f;
            gx[p + ldx + 1] = p + ldx + 1 == winner ? value : 0f;
        }
    }

    /** Whether {@code value} can win a window whose maximum is {@code max}: it has max's bits, or both are NaN. */
    private static boolean wins(float value, float max) {
        return Float.floatToRawIntBits(value) == Float.floatToRawIntBits(max) || (value != value && max != max);
    }

    @Override
    public void gaussian(long seed, long stream, long index, float[] out, int outOffset, int n) {
        GaussianStream g = new GaussianStream(seed, stream);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = g.sample(index + i);
        }
    }
}

package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = α·A·Bᵀ + β·C} for a narrow C (few columns, such as the 10 logits of an output layer or
 * the r columns of a low-rank factor product), as dot products along K: each element of C is one
 * row of A against one row of B, both contiguous. The register-tiled GEMM spends a whole
 * two-vector tile on those few columns (10 of 32 lanes at 512 bits) and packs both operands; here a
 * 2 × 4 block of C keeps 8 vector accumulators and reads each A and B row once per block.
 *
 * <p>Each element sums its K lanes in a fixed order, then the scalar tail: the result does not
 * depend on the thread count or on how C is split.
 */
final class NarrowGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane {@code i} to lane {@code i ^ half}, for half = L/2, L/4, …, 1: a reduction tree. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FOLDS = new VectorShuffle[Integer.numberOfTrailingZeros(L)];

    static {
        for (int f = 0, half = L / 2; half >= 1; f++, half /= 2) {
            int h = half;
            FOLDS[f] = VectorShuffle.fromOp(S, i -> i ^ h);
        }
    }
    /** The widest C that takes this path. */
    static final int MAX_COLUMNS = 16;
    /** Rows of C per parallel task. */
    private static final int ROWS_PER_TASK = 64;
    private static final long PARALLEL_WORK = 1L << 20;

    private NarrowGemm() {
    }

    /** True when {@code C = A·Bᵀ} of this shape is better served here. */
    static boolean suits(boolean transA, boolean transB, int n, int k) {
        return !transA && transB && n <= MAX_COLUMNS && k >= 2 * L;
    }

    static void sgemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if ((long) m * n * k < PARALLEL_WORK || tasks < 2) {
            rows(0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallel.forEach(tasks, t -> {
            int from = t * ROWS_PER_TASK;
            rows(from, Math.min(m, from + ROWS_PER_TASK), n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        });
    }

    private static void rows(int from, int to, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int i = from;
        for (; i + 2 <= to; i += 2) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                block2x4(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j + 2 <= n; j += 2) {
                block2x2(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                store(c, cOff + i * ldc + j, alpha * dot(k, a, aOff + i * lda, b, bOff + j * ldb), beta);
                store(c, cOff + (i + 1) * ldc + j, alpha * dot(k, a, aOff + (i + 1) * lda, b, bOff + j * ldb), beta);
            }
        }
        for (; i < to; i++) {
            for (int j = 0; j < n; j++) {
                store(c, cOff + i * ldc + j, alpha * dot(k, a, aOff + i * lda, b, bOff + j * ldb), beta);
            }
        }
    }

    private static void block2x4(int k, float alpha, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                 float beta, float[] c, int c0, int ldc) {
        int a1 = a0 + lda;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        int p = 0;
        for (int end = k - L; p <= end; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            y = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            y = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
        }
        store(c, c0, alpha * (sumLanes(s00) + tail(p, k, a, a0, b, b0)), beta);
        store(c, c0 + 1, alpha * (sumLanes(s01) + tail(p, k, a, a0, b, b1)), beta);
        store(c, c0 + 2, alpha * (sumLanes(s02) + tail(p, k, a, a0, b, b2)), beta);
        store(c, c0 + 3, alpha * (sumLanes(s03) + tail(p, k, a, a0, b, b3)), beta);
        store(c, c0 + ldc, alpha * (sumLanes(s10) + tail(p, k, a, a1, b, b0)), beta);
        store(c, c0 + ldc + 1, alpha * (sumLanes(s11) + tail(p, k, a, a1, b, b1)), beta);
        store(c, c0 + ldc + 2, alpha * (sumLanes(s12) + tail(p, k, a, a1, b, b2)), beta);
        store(c, c0 + ldc + 3, alpha * (sumLanes(s13) + tail(p, k, a, a1, b, b3)), beta);
    }

    private static void block2x2(int k, float alpha, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                 float beta, float[] c, int c0, int ldc) {
        int a1 = a0 + lda;
        int b1 = b0 + ldb;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        int p = 0;
        for (int end = k - L; p <= end; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
        }
        store(c, c0, alpha * (sumLanes(s00) + tail(p, k, a, a0, b, b0)), beta);
        store(c, c0 + 1, alpha * (sumLanes(s01) + tail(p, k, a, a0, b, b1)), beta);
        store(c, c0 + ldc, alpha * (sumLanes(s10) + tail(p, k, a, a1, b, b0)), beta);
        store(c, c0 + ldc + 1, alpha * (sumLanes(s11) + tail(p, k, a, a1, b, b1)), beta);
    }

    private static float dot(int k, float[] a, int a0, float[] b, int b0) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (int end = k - L; p <= end; p += L) {
            s = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, b, b0 + p), s);
        }
        return sumLanes(s) + tail(p, k, a, a0, b, b0);
    }

    private static float tail(int p, int k, float[] a, int a0, float[] b, int b0) {
        float s = 0f;
        for (; p < k; p++) {
            s = Math.fma(a[a0 + p], b[b0 + p], s);
        }
        return s;
    }

    private static void store(float[] c, int at, float value, float beta) {
        c[at] = beta == 0f ? value : (beta == 1f ? c[at] + value : Math.fma(beta, c[at], value));
    }

    /**
     * The lanes' sum by a fixed tree: halves added, then quarters, down to one lane. Not
     * {@code reduceLanes(ADD)}, whose order is unspecified and differs between the intrinsic and the
     * Java fallback (see {@code VectorKernels.sumLanes}); and a few shuffles instead of one lane
     * extraction per lane, which cost as much as the products at K = 512.
     */
    private static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }
}

package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = α·A·op(B) + β·C} for a narrow C (at most 16 columns, such as the 10 logits of an output
 * layer or the r columns of a low-rank factor product). The register-tiled GEMM spends a whole
 * two-vector tile on those few columns (10 of 32 lanes at 512 bits) and packs A, which costs as
 * much as the multiply; here A is read in place, in one of two ways:
 *
 * <ul>
 *   <li>by columns, for {@code C = A·B} with B as stored when C has more than half a vector's lanes
 *       and at most a vector: a row of C is one vector, accumulated over K as {@code A(i, p)}
 *       broadcast times row p of B, eight rows of C at a time;
 *   <li>by rows, otherwise: each element of C is a dot product of a row of A and a row of
 *       {@code Bᵀ}, both contiguous, a 2 × 4 block of C at a time, with the lanes summed by a fixed
 *       tree. B as stored is first copied transposed. {@code A·Bᵀ} stays on this path even where
 *       rows of C would suit: copying {@code Bᵀ} into rows of one vector first is faster for the
 *       product alone but slowed low-rank ES, which makes that product once per member
 *       (docs/gemm.md).
 * </ul>
 *
 * <p>Each element sums over K in a fixed order: the result does not depend on the thread count or
 * on how C is split.
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
    /** Rows of C per accumulator block of the by-columns path. */
    private static final int MR = 8;
    /** Rows of C per parallel task of the by-rows path. */
    private static final int ROWS_PER_TASK = 64;

    private static final long PARALLEL_WORK = 1L << 20;
    /** B transposed, or its last rows padded: per thread, grown when a call needs more. */
    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});

    private static final int B_COPY = 0;
    private static final int PADDED = 1;
    private static final int TILE = 2;

    private NarrowGemm() {}

    /** True when {@code C = A·op(B)} of this shape is better served here. */
    static boolean suits(boolean transA, int n, int k) {
        return !transA && n <= MAX_COLUMNS && k >= 2 * L;
    }

    /** {@code C = α·A·op(B) + β·C}: B is {@code n × k} when {@code transB}, else {@code k × n}. */
    static void sgemm(
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float beta,
            float[] c,
            int cOff,
            int ldc) {
        // A row of C per vector costs the same whatever n is; dot products cost n times one.
        if (!transB && 2 * n > L && n <= L) {
            byColumns(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (transB) {
            byRows(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            float[] bt = scratch(B_COPY, n * k);
            // Written in order, read with a stride of ldb: all of B is in L1 by the second column.
            for (int j = 0; j < n; j++) {
                for (int p = 0, d = j * k, at = bOff + j; p < k; p++, at += ldb) {
                    bt[d + p] = b[at];
                }
            }
            byRows(m, n, k, alpha, a, aOff, lda, bt, 0, k, beta, c, cOff, ldc);
        }
    }

    /**
     * {@code C = α·A·B + β·C} with B as stored and {@code n <= L}: a row of C is one vector,
     * accumulated over K from a broadcast of {@code A(i, p)} times row p of B, eight rows of C at a
     * time. A row of B is loaded whole, {@code L} floats from its start (lanes past n hold the next
     * row's values, and are never stored); the last rows, whose load would run past the end of the
     * array, are first copied into a padded buffer. Each element sums over K in order.
     */
    private static void byColumns(
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float beta,
            float[] c,
            int cOff,
            int ldc) {
        // Rows of B that can be loaded in place: bOff + p·ldb + L <= b.length.
        int inPlace = Math.min(k, Math.max(0, Math.floorDiv(b.length - L - bOff, ldb) + 1));
        float[] padded = scratch(PADDED, (k - inPlace) * L);
        for (int p = inPlace; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, padded, (p - inPlace) * L, n);
        }
        int blocks = (m + MR - 1) / MR;
        if ((long) m * n * k < PARALLEL_WORK || blocks < 2) {
            float[] tile = scratch(TILE, MR * L);
            for (int i = 0; i < m; i += MR) {
                columns(
                        i,
                        Math.min(MR, m - i),
                        n,
                        k,
                        inPlace,
                        alpha,
                        a,
                        aOff,
                        lda,
                        b,
                        bOff,
                        ldb,
                        padded,
                        beta,
                        c,
                        cOff,
                        ldc,
                        tile);
            }
            return;
        }
        Parallel.forEach(blocks, t -> {
            int i = t * MR;
            columns(
                    i,
                    Math.min(MR, m - i),
                    n,
                    k,
                    inPlace,
                    alpha,
                    a,
                    aOff,
                    lda,
                    b,
                    bOff,
                    ldb,
                    padded,
                    beta,
                    c,
                    cOff,
                    ldc,
                    scratch(TILE, MR * L));
        });
    }

    /** Rows {@code [i, i + rows)} of C, {@code rows <= 8}: eight accumulators, one per row. */
    private static void columns(
            int i,
            int rows,
            int n,
            int k,
            int inPlace,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] padded,
            float beta,
            float[] c,
            int cOff,
            int ldc,
            float[] tile) {
        // Short blocks repeat their last row, so the loop has no branches; the copies are not stored.
        int a0 = aOff + i * lda;
        int a1 = aOff + (i + Math.min(1, rows - 1)) * lda;
        int a2 = aOff + (i + Math.min(2, rows - 1)) * lda;
        int a3 = aOff + (i + Math.min(3, rows - 1)) * lda;
        int a4 = aOff + (i + Math.min(4, rows - 1)) * lda;
        int a5 = aOff + (i + Math.min(5, rows - 1)) * lda;
        int a6 = aOff + (i + Math.min(6, rows - 1)) * lda;
        int a7 = aOff + (i + Math.min(7, rows - 1)) * lda;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        FloatVector s4 = FloatVector.zero(S);
        FloatVector s5 = FloatVector.zero(S);
        FloatVector s6 = FloatVector.zero(S);
        FloatVector s7 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector y = p < inPlace
                    ? FloatVector.fromArray(S, b, bOff + p * ldb)
                    : FloatVector.fromArray(S, padded, (p - inPlace) * L);
            s0 = y.fma(FloatVector.broadcast(S, a[a0 + p]), s0);
            s1 = y.fma(FloatVector.broadcast(S, a[a1 + p]), s1);
            s2 = y.fma(FloatVector.broadcast(S, a[a2 + p]), s2);
            s3 = y.fma(FloatVector.broadcast(S, a[a3 + p]), s3);
            s4 = y.fma(FloatVector.broadcast(S, a[a4 + p]), s4);
            s5 = y.fma(FloatVector.broadcast(S, a[a5 + p]), s5);
            s6 = y.fma(FloatVector.broadcast(S, a[a6 + p]), s6);
            s7 = y.fma(FloatVector.broadcast(S, a[a7 + p]), s7);
        }
        s0.intoArray(tile, 0);
        s1.intoArray(tile, L);
        s2.intoArray(tile, 2 * L);
        s3.intoArray(tile, 3 * L);
        s4.intoArray(tile, 4 * L);
        s5.intoArray(tile, 5 * L);
        s6.intoArray(tile, 6 * L);
        s7.intoArray(tile, 7 * L);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                store(c, cOff + (i + r) * ldc + j, alpha * tile[r * L + j], beta);
            }
        }
    }

    /** {@code C = α·A·Bᵀ + β·C}, in parallel over blocks of rows when it is worth it. */
    private static void byRows(
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float beta,
            float[] c,
            int cOff,
            int ldc) {
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

    private static float[] scratch(int slot, int size) {
        float[][] holder = SCRATCH.get();
        if (holder[slot].length < size) {
            holder[slot] = new float[size];
        }
        return holder[slot];
    }

    private static void rows(
            int from,
            int to,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float beta,
            float[] c,
            int cOff,
            int ldc) {
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

    private static void block2x4(
            int k,
            float alpha,
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float beta,
            float[] c,
            int c0,
            int ldc) {
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

    private static void block2x2(
            int k,
            float alpha,
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float beta,
            float[] c,
            int c0,
            int ldc) {
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
     * extraction per lane, which costs as much as the products at the output layer's K.
     */
    private static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }
}

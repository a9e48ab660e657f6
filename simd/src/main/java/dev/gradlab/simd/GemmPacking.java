package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of A and B into the layouts {@link MicroKernel} streams through: A as panels of
 * {@code mr} rows stored column by column, B as panels of {@code nr} (two vectors) columns stored
 * row by row.
 * Panels at the edge of the matrix are padded with zeros, so the kernel always runs a full tile.
 * The transpose of an operand is absorbed here: the kernel sees the same layout either way.
 *
 * <p>Memory is read in the order it is laid out. B as stored is copied a row at a time across all
 * its panels, a vector at a time, rather than a panel at a time, which would read {@code kc}
 * short pieces of rows that are often exactly 4 KiB apart and so share a cache set. The copies
 * that transpose take blocks of 16 × 16 through registers on 512-bit vectors ({@link Transpose16});
 * otherwise, and at a block's edges, they read four rows of the source side by side and write four
 * adjacent floats.
 */
final class GemmPacking {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final int L = S.length();
    /** Columns of a B panel: two vectors, as {@link MicroKernel#nr()}. */
    private static final int NR = 2 * L;

    private GemmPacking() {}

    /**
     * Packs rows {@code [i0, i0 + mc)} and columns {@code [p0, p0 + kc)} of {@code op(A)} into
     * {@code ceil(mc / mr)} panels of {@code kc · mr} floats starting at {@code dst[0]}.
     */
    static void packA(
            boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, int mr, float[] dst) {
        int full = mc / mr * mr;
        if (transA) {
            // op(A)(i, p) = A(p, i): row p of A holds column p of every panel, mr floats each.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i0;
                if (mr == 4) {
                    // The AVX2 tile: one 128-bit copy per panel, without an inner loop.
                    for (int ir = 0, d = p * 4; ir < full; ir += 4, d += kc * 4) {
                        FloatVector.fromArray(S4, a, src + ir).intoArray(dst, d);
                    }
                    continue;
                }
                for (int ir = 0, d = p * mr; ir < full; ir += mr, d += kc * mr) {
                    for (int r = 0; r < mr; r++) {
                        dst[d + r] = a[src + ir + r];
                    }
                }
            }
        } else {
            for (int ir = 0; ir < full; ir += mr) {
                int src = aOff + (i0 + ir) * lda + p0;
                int r = 0;
                for (; r <= mr - 4; r += 4) {
                    transpose4(1f, a, src + r * lda, lda, kc, dst, ir * kc + r, mr);
                }
                for (; r < mr; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[ir * kc + r + p * mr] = a[src + r * lda + p];
                    }
                }
            }
        }
        if (full < mc) {
            int rows = mc - full;
            int panel = full * kc;
            for (int p = 0; p < kc; p++) {
                int d = panel + p * mr;
                for (int r = 0; r < rows; r++) {
                    int i = i0 + full + r;
                    dst[d + r] = a[aOff + (transA ? (p0 + p) * lda + i : i * lda + p0 + p)];
                }
                for (int r = rows; r < mr; r++) {
                    dst[d + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of {@code alpha·op(B)} into
     * {@code ceil(nc / nr)} panels of {@code kc · nr} floats starting at {@code dst[dstOff]}.
     */
    static void packB(
            boolean transB,
            float alpha,
            float[] b,
            int bOff,
            int ldb,
            int p0,
            int kc,
            int j0,
            int nc,
            float[] dst,
            int dstOff) {
        int full = nc / NR * NR;
        if (transB) {
            // op(B)(p, j) = B(j, p): rows of B become adjacent panel columns, 16 at a time in blocks
            // of 16 × 16 transposed in registers on 512-bit vectors; four at a time on other widths
            // and for the last kc % 16 entries of each row.
            int step = L == 16 ? 16 : 4;
            int blocked = L == 16 ? kc / 16 * 16 : 0;
            for (int jr = 0; jr < full; jr += step) {
                int panel = dstOff + jr / NR * kc * NR + jr % NR;
                int src = bOff + (j0 + jr) * ldb + p0;
                for (int p = 0; p < blocked; p += 16) {
                    Transpose16.block(alpha, b, src + p, ldb, dst, panel + p * NR, NR);
                }
                for (int r = 0; r < step; r += 4) {
                    transpose4(alpha, b, src + r * ldb + blocked, ldb, kc - blocked, dst, panel + blocked * NR + r, NR);
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0;
                for (int jr = 0, d = dstOff + p * NR; jr < full; jr += NR, d += kc * NR) {
                    FloatVector.fromArray(S, b, src + jr).mul(alpha).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + jr + L).mul(alpha).intoArray(dst, d + L);
                }
            }
        }
        if (full < nc) {
            int cols = nc - full;
            int panel = dstOff + full * kc;
            for (int p = 0; p < kc; p++) {
                int d = panel + p * NR;
                for (int col = 0; col < cols; col++) {
                    int j = j0 + full + col;
                    dst[d + col] = alpha * b[bOff + (transB ? j * ldb + p0 + p : (p0 + p) * ldb + j)];
                }
                for (int col = cols; col < NR; col++) {
                    dst[d + col] = 0f;
                }
            }
        }
    }

    /**
     * Writes {@code alpha·src[s + r·lds + p]} to {@code dst[d + p·ldd + r]} for the four rows
     * {@code r < 4} and {@code p < n}: four rows side by side, one pass over each.
     */
    private static void transpose4(float alpha, float[] src, int s, int lds, int n, float[] dst, int d, int ldd) {
        int s1 = s + lds;
        int s2 = s1 + lds;
        int s3 = s2 + lds;
        for (int p = 0; p < n; p++, d += ldd) {
            dst[d] = alpha * src[s + p];
            dst[d + 1] = alpha * src[s1 + p];
            dst[d + 2] = alpha * src[s2 + p];
            dst[d + 3] = alpha * src[s3 + p];
        }
    }
}

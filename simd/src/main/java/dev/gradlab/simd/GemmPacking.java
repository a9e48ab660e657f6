package dev.gradlab.simd;

/**
 * Copies blocks of A and B into the layouts {@link MicroKernel} streams through: A as panels of
 * {@code mr} rows stored column by column, B as panels of {@code nr} columns stored row by row.
 * Panels at the edge of the matrix are padded with zeros, so the kernel always runs a full tile.
 * The transpose of an operand is absorbed here: the kernel sees the same layout either way.
 */
final class GemmPacking {

    private GemmPacking() {
    }

    /**
     * Packs rows {@code [i0, i0 + mc)} and columns {@code [p0, p0 + kc)} of {@code op(A)} into
     * {@code ceil(mc / mr)} panels of {@code kc · mr} floats starting at {@code dst[0]}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                      int mr, float[] dst) {
        for (int ir = 0, panel = 0; ir < mc; ir += mr, panel += kc * mr) {
            int rows = Math.min(mr, mc - ir);
            if (transA) {
                // op(A)(i, p) = A(p, i): the mr values of one column are adjacent in memory.
                int src = aOff + p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda) {
                    int d = panel + p * mr;
                    System.arraycopy(a, src, dst, d, rows);
                    for (int r = rows; r < mr; r++) {
                        dst[d + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + ir + r) * lda + p0;
                    int d = panel + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * mr] = a[src + p];
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + r + p * mr] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs rows {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of {@code alpha·op(B)} into
     * {@code ceil(nc / nr)} panels of {@code kc · nr} floats starting at {@code dst[dstOff]}.
     */
    static void packB(boolean transB, float alpha, float[] b, int bOff, int ldb, int p0, int kc, int j0,
                      int nc, int nr, float[] dst, int dstOff) {
        for (int jr = 0, panel = dstOff; jr < nc; jr += nr, panel += kc * nr) {
            int cols = Math.min(nr, nc - jr);
            if (transB) {
                // op(B)(p, j) = B(j, p): read each stored row once, write it down a panel column.
                for (int col = 0; col < cols; col++) {
                    int src = bOff + (j0 + jr + col) * ldb + p0;
                    int d = panel + col;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * nr] = alpha * b[src + p];
                    }
                }
                for (int col = cols; col < nr; col++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + col + p * nr] = 0f;
                    }
                }
            } else {
                int src = bOff + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int d = panel + p * nr;
                    if (alpha == 1f) {
                        System.arraycopy(b, src, dst, d, cols);
                    } else {
                        for (int col = 0; col < cols; col++) {
                            dst[d + col] = alpha * b[src + col];
                        }
                    }
                    for (int col = cols; col < nr; col++) {
                        dst[d + col] = 0f;
                    }
                }
            }
        }
    }
}

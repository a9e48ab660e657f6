package dev.gradlab.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API GEMM, built like a BLAS: {@code op(B)} is packed in blocks of {@code kc × nc}
 * (kept in the last-level cache), {@code op(A)} in blocks of {@code mc × kc} (kept in L2), and a
 * {@link MicroKernel} multiplies one {@code mr}-row panel of A by one {@code nr}-column panel of B
 * (kept in L1) into a tile of C held in registers. Edge tiles are computed in full from the
 * zero-padded panels into a scratch tile and only their valid part is merged into C. Alpha is
 * applied while packing B and beta by scaling C up front, so every transpose form and every
 * alpha/beta runs the same kernel. The K dimension is cut into equal blocks of at most
 * {@code KC}, so no block is a short, inefficient remainder.
 *
 * <p>Small-N problems (the output layer: {@code n <= 2·nr}) read non-transposed A in place, since
 * packing it would cost as much as the multiply. Large problems run on {@link Parallel#threads()}:
 * the threads pack each B block together, then share out its M blocks (and, when there are too
 * few of those, its B panels), each packing its own A block. Every element of C is still computed
 * by the same kernel calls in the same order, so the result does not depend on the number of
 * threads. Packing buffers are per thread and reused: serial calls allocate nothing.
 */
final class VectorGemm implements Gemm {

    /**
     * Depth of a packed block for 256-bit vectors: a B panel of {@code KC · nr} floats (25 KiB)
     * and an A panel (6 KiB) share the 32 KiB L1. Deeper blocks load and store C less often;
     * at the MLP's K = 784 this gives two blocks of 392 rather than three of 262 (docs/gemm.md has
     * the measurements behind the choice).
     */
    private static final int KC = 400;
    /** Depth for 512-bit vectors (twice as wide a B panel), as measured on AVX-512 machines. */
    private static final int KC_WIDE = 256;
    /** Rows of a packed A block, as a multiple of {@code mr}: {@code MC · KC} floats fit L2. */
    private static final int MC_TARGET = 144;
    /** Columns of a packed B block: {@code KC · NC} floats stay in the last-level cache. */
    private static final int NC = 4096;
    /** Below this many multiply-adds a problem stays on the calling thread (about 0.2 ms). */
    private static final long PARALLEL_WORK = 8L << 20;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private final MicroKernel kernel;
    private final int mr;
    private final int nr;
    private final int mcMax;
    private final int kcTarget;

    /** The tile that suits the preferred species (see {@link MicroKernel#preferred()}). */
    VectorGemm() {
        this(MicroKernel.preferred());
    }

    VectorGemm(MicroKernel kernel) {
        this(kernel, kernel.nr() >= 32 ? KC_WIDE : KC, MC_TARGET);
    }

    /** A GEMM on {@code kernel} with K blocks of at most {@code kc} and M blocks of about {@code mc}. */
    VectorGemm(MicroKernel kernel, int kc, int mc) {
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.mcMax = Math.max(mr, mc / mr * mr);
        this.kcTarget = kc;
    }

    @Override
    public void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOffset,
            int lda,
            float[] b,
            int bOffset,
            int ldb,
            float beta,
            float[] c,
            int cOffset,
            int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOffset, ldc);
            return;
        }
        if (NarrowGemm.suits(transA, n, k)) {
            NarrowGemm.sgemm(transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        int threads = Parallel.threads();
        boolean parallel = threads > 1 && (long) m * n * k >= PARALLEL_WORK;
        Workspace ws = WORKSPACE.get();
        boolean packA = transA || n > 2 * nr;
        int kBlocks = (k + kcTarget - 1) / kcTarget;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        // In parallel, the M blocks are a multiple of the thread count, so they share out evenly.
        int mBlocks = (m + mcMax - 1) / mcMax;
        if (parallel) {
            mBlocks = Math.min(roundUp(mBlocks, threads), (m + mr - 1) / mr);
        }
        int mcBlock = roundUp((m + mBlocks - 1) / mBlocks, mr);
        mBlocks = (m + mcBlock - 1) / mcBlock;
        int ncBlock = Math.min(NC, roundUp(n, nr));
        // Too few M blocks to go round: each also takes a share of the B panels.
        int nChunks = parallel && mBlocks < threads ? threads : 1;
        float[] packedB = ws.b(kcMax * ncBlock);
        if (beta != 0f && beta != 1f) {
            scale(m, n, beta, c, cOffset, ldc);
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean add = pc > 0 || beta != 0f;
                if (parallel) {
                    int j0 = jc;
                    int p0 = pc;
                    Parallel.forEach(threads, t -> {
                        int from = panels * t / threads * nr;
                        int to = Math.min(nc, panels * (t + 1) / threads * nr);
                        if (from < to) {
                            GemmPacking.packB(
                                    transB, alpha, b, bOffset, ldb, p0, kc, j0 + from, to - from, packedB, from * kc);
                        }
                    });
                    int blocks = mBlocks;
                    int mcb = mcBlock;
                    Parallel.forEach(blocks * nChunks, task -> {
                        int ic = task / nChunks * mcb;
                        int chunk = task % nChunks;
                        block(
                                transA,
                                packA,
                                a,
                                aOffset,
                                lda,
                                packedB,
                                c,
                                cOffset,
                                ldc,
                                add,
                                ic,
                                Math.min(mcb, m - ic),
                                j0,
                                nc,
                                panels * chunk / nChunks * nr,
                                Math.min(nc, panels * (chunk + 1) / nChunks * nr),
                                p0,
                                kc);
                    });
                } else {
                    GemmPacking.packB(transB, alpha, b, bOffset, ldb, pc, kc, jc, nc, packedB, 0);
                    for (int ic = 0; ic < m; ic += mcBlock) {
                        block(
                                transA,
                                packA,
                                a,
                                aOffset,
                                lda,
                                packedB,
                                c,
                                cOffset,
                                ldc,
                                add,
                                ic,
                                Math.min(mcBlock, m - ic),
                                jc,
                                nc,
                                0,
                                nc,
                                pc,
                                kc);
                    }
                }
            }
        }
    }

    /**
     * Rows {@code [ic, ic + mc)} times the packed B panels of columns {@code [jc + jFrom, jc + jTo)}
     * at depth {@code [pc, pc + kc)}, on the calling thread's A buffer.
     */
    private void block(
            boolean transA,
            boolean packA,
            float[] a,
            int aOff,
            int lda,
            float[] packedB,
            float[] c,
            int cOff,
            int ldc,
            boolean add,
            int ic,
            int mc,
            int jc,
            int nc,
            int jFrom,
            int jTo,
            int pc,
            int kc) {
        Workspace ws = WORKSPACE.get();
        float[] packedA = ws.a(kc * (packA ? roundUp(mc, mr) : mr));
        float[] tile = ws.tile(mr * nr);
        if (packA) {
            GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, mr, packedA);
        }
        // The B panel stays in L1 while the A panels of the block stream past it from L2.
        for (int jr = jFrom; jr < jTo; jr += nr) {
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                boolean direct = !packA && rows == mr;
                if (!packA && !direct) {
                    GemmPacking.packA(false, a, aOff, lda, ic + ir, rows, pc, kc, mr, packedA);
                }
                int aPanel = packA ? ir * kc : 0;
                tile(
                        direct,
                        kc,
                        a,
                        aOff + (ic + ir) * lda + pc,
                        lda,
                        packedA,
                        aPanel,
                        packedB,
                        jr * kc,
                        rows,
                        Math.min(nr, nc - jr),
                        tile,
                        c,
                        cOff + (ic + ir) * ldc + jc + jr,
                        ldc,
                        add);
            }
        }
    }

    /**
     * One {@code rows × cols} tile of C from an A panel (packed, or read in place when
     * {@code direct}) and a packed B panel; edge tiles go through the scratch tile.
     */
    private void tile(
            boolean direct,
            int kc,
            float[] a,
            int aAt,
            int lda,
            float[] packedA,
            int aPanel,
            float[] packedB,
            int bPanel,
            int rows,
            int cols,
            float[] scratch,
            float[] c,
            int cAt,
            int ldc,
            boolean add) {
        boolean full = rows == mr && cols == nr;
        float[] out = full ? c : scratch;
        int outAt = full ? cAt : 0;
        int ldOut = full ? ldc : nr;
        boolean addOut = full && add;
        if (direct) {
            kernel.rows(kc, a, aAt, lda, packedB, bPanel, out, outAt, ldOut, addOut);
        } else {
            kernel.packed(kc, packedA, aPanel, packedB, bPanel, out, outAt, ldOut, addOut);
        }
        if (!full) {
            merge(scratch, rows, cols, add, c, cAt, ldc);
        }
    }

    /** Writes or adds the valid {@code rows × cols} corner of an edge tile (row stride nr) to C. */
    private void merge(float[] tile, int rows, int cols, boolean add, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int t = r * nr;
            int row = cOff + r * ldc;
            if (add) {
                for (int j = 0; j < cols; j++) {
                    c[row + j] += tile[t + j];
                }
            } else {
                System.arraycopy(tile, t, c, row, cols);
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** {@code C = beta·C}, without reading C when {@code beta == 0}. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "VectorGemm(" + kernel + " of " + FloatVector.SPECIES_PREFERRED + ")";
    }

    /** Packing buffers and the edge tile of one thread, grown when a call needs more. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] tile = new float[0];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }
    }
}

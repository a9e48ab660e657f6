package dev.gradlab.simd;

import java.util.Objects;

/** BLAS-style entry points. Arguments are checked here, once; the kernels trust them. */
public final class Blas {

    private Blas() {}

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} on row-major matrices; see {@link Gemm} for the
     * layout. {@code op(A)} is {@code m × k} and {@code op(B)} is {@code k × n}. With
     * {@code beta == 0}, {@code C} is not read.
     *
     * @throws IllegalArgumentException when a dimension is negative, a leading dimension is too
     *     small for its matrix, or a matrix does not fit in its array from its offset
     */
    public static void sgemm(
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
        checkDimension("m", m);
        checkDimension("n", n);
        checkDimension("k", k);
        checkMatrix("A", a, aOffset, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        Simd.gemm().sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    private static void checkDimension(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /** A stored {@code rows × cols} row-major matrix with leading dimension {@code ld}. */
    private static void checkMatrix(String name, float[] x, int offset, int ld, int rows, int cols) {
        Objects.requireNonNull(x, name);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("ld" + name.toLowerCase() + " must be >= max(1, " + cols + ") for "
                    + name + " stored as " + rows + "x" + cols + ", got " + ld);
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, got " + offset);
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (offset + needed > x.length) {
            throw new IllegalArgumentException(name + " stored as " + rows + "x" + cols + " with ld "
                    + ld + " from offset " + offset + " needs " + (offset + needed)
                    + " elements, array has " + x.length);
        }
    }
}

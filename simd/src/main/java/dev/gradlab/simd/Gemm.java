package dev.gradlab.simd;

/**
 * Row-major single-precision matrix multiply, {@code C = alpha·op(A)·op(B) + beta·C}, where
 * {@code op(X)} is {@code X} or {@code Xᵀ}. {@code op(A)} is {@code m × k}, {@code op(B)} is
 * {@code k × n}, {@code C} is {@code m × n}; element {@code (i, j)} of a row-major matrix with
 * leading dimension {@code ld} stands at {@code offset + i·ld + j}.
 *
 * <p>Implementations may assume the arguments were validated by {@link Blas#sgemm}, which calls
 * {@link Simd#gemm()}; {@link Simd#scalar()} and {@link Simd#vector()} give the two implementations
 * by name. When {@code beta == 0}, {@code C} is written without being read, so NaN garbage in it is
 * ignored.
 */
public interface Gemm {

    void sgemm(
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
            int ldc);
}

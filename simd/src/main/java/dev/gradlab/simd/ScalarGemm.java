package dev.gradlab.simd;

/**
 * The reference GEMM: plain loops that read as the definition. It is the specification the
 * vectorized kernel is tested against, and the fallback when the Vector API is absent.
 */
final class ScalarGemm implements Gemm {

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
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, cRow, cRow + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[cRow + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                float s = alpha * aip;
                if (s == 0f) {
                    continue;
                }
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += s * b[bOffset + j * ldb + p];
                    }
                } else {
                    int bRow = bOffset + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += s * b[bRow + j];
                    }
                }
            }
        }
    }
}

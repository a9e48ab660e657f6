package dev.gradlab.optim.search;

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations: {@code A = V·diag(λ)·Vᵀ}
 * with orthonormal columns in {@code V}. Accurate and simple; its O(n³) sweeps are why CMA-ES
 * decomposes its covariance only every few generations.
 */
final class SymmetricEigen {

    private SymmetricEigen() {
    }

    /**
     * Decomposes the row-major {@code n × n} matrix {@code a} (left unchanged): eigenvalues into
     * {@code values}, eigenvectors into the columns of the row-major {@code vectors}.
     */
    static void decompose(double[] a, int n, double[] values, double[] vectors) {
        double[] w = a.clone();
        java.util.Arrays.fill(vectors, 0);
        for (int i = 0; i < n; i++) {
            vectors[i * n + i] = 1;
        }
        for (int sweep = 0; sweep < 64; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += w[p * n + p] * w[p * n + p];
                for (int q = p + 1; q < n; q++) {
                    off += w[p * n + q] * w[p * n + q];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = w[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (w[q * n + q] - w[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    rotate(w, p, q, n, n, c, s);          // columns p and q
                    rotate(w, p * n, q * n, 1, n, c, s);  // rows p and q
                    rotate(vectors, p, q, n, n, c, s);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            values[i] = w[i * n + i];
        }
    }

    /** {@code (u, v) ← (c·u − s·v, s·u + c·v)} for the n pairs {@code m[a + k·stride], m[b + k·stride]}. */
    private static void rotate(double[] m, int a, int b, int stride, int n, double c, double s) {
        for (int k = 0; k < n; k++) {
            double u = m[a + k * stride];
            double v = m[b + k * stride];
            m[a + k * stride] = c * u - s * v;
            m[b + k * stride] = s * u + c * v;
        }
    }
}

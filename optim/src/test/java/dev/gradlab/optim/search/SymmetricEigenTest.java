package dev.gradlab.optim.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void decomposesRandomSymmetricMatrices() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 5, 17, 120}) {
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i * n + j] = a[j * n + i] = random.nextDouble() * 2 - 1;
                }
            }
            double[] values = new double[n];
            double[] v = new double[n * n];
            SymmetricEigen.decompose(a, n, values, v);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double back = 0;
                    double gram = 0;
                    for (int k = 0; k < n; k++) {
                        back += v[i * n + k] * values[k] * v[j * n + k];
                        gram += v[k * n + i] * v[k * n + j];
                    }
                    assertEquals(a[i * n + j], back, 1e-12, "V·Λ·Vᵀ at (" + i + ", " + j + "), n = " + n);
                    assertEquals(i == j ? 1 : 0, gram, 1e-12, "VᵀV at (" + i + ", " + j + "), n = " + n);
                }
            }
        }
    }

    @Test
    void decomposesDiagonalAndRepeatedEigenvalues() {
        double[] a = {3, 0, 0, 0, 3, 0, 0, 0, 1e-6};
        double[] values = new double[3];
        double[] v = new double[9];
        SymmetricEigen.decompose(a, 3, values, v);
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        assertEquals(1e-6, sorted[0], 1e-18);
        assertEquals(3, sorted[1], 1e-15);
        assertEquals(3, sorted[2], 1e-15);
    }
}

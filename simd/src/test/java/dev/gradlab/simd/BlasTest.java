package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BlasTest {

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void computesAProduct() {
        // [1 2; 3 4] · [5 6; 7 8]ᵀ with C = 1 everywhere, alpha 2, beta -1.
        float[] c = {1, 1, 1, 1};
        Blas.sgemm(
                false, true, 2, 2, 2, 2f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2, -1f, c, 0, 2);
        assertArrayEquals(new float[] {33, 45, 77, 105}, c);
    }

    @Test
    void rejectsNegativeDimensions() {
        float[] x = new float[4];
        assertEquals(
                "m must be >= 0, got -1",
                message(() -> Blas.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2)));
        assertEquals(
                "n must be >= 0, got -3",
                message(() -> Blas.sgemm(false, false, 2, -3, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2)));
        assertEquals(
                "k must be >= 0, got -2",
                message(() -> Blas.sgemm(false, false, 2, 2, -2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2)));
    }

    @Test
    void rejectsLeadingDimensionShorterThanARow() {
        float[] x = new float[100];
        // A is op(A) = m × k = 3 × 5 stored as is: rows of 5.
        assertEquals(
                "lda must be >= max(1, 5) for A stored as 3x5, got 4",
                message(() -> Blas.sgemm(false, false, 3, 2, 5, 1f, x, 0, 4, x, 0, 2, 0f, x, 0, 2)));
        // Transposed, A is stored k × m = 5 × 3.
        assertEquals(
                "lda must be >= max(1, 3) for A stored as 5x3, got 2",
                message(() -> Blas.sgemm(true, false, 3, 2, 5, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2)));
        assertEquals(
                "ldb must be >= max(1, 5) for B stored as 2x5, got 3",
                message(() -> Blas.sgemm(false, true, 3, 2, 5, 1f, x, 0, 5, x, 0, 3, 0f, x, 0, 2)));
        assertEquals(
                "ldc must be >= max(1, 2) for C stored as 3x2, got 1",
                message(() -> Blas.sgemm(false, false, 3, 2, 5, 1f, x, 0, 5, x, 0, 2, 0f, x, 0, 1)));
    }

    @Test
    void rejectsArraysTooShortForTheirMatrix() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        assertEquals(
                "A stored as 2x3 with ld 3 from offset 1 needs 7 elements, array has 6",
                message(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2)));
        assertEquals(
                "B stored as 3x2 with ld 3 from offset 0 needs 8 elements, array has 6",
                message(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 2)));
        assertEquals(
                "C stored as 2x2 with ld 2 from offset 2 needs 6 elements, array has 4",
                message(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 2, 2)));
        assertEquals(
                "A offset must be >= 0, got -1",
                message(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, a, -1, 3, b, 0, 2, 0f, c, 0, 2)));
    }

    @Test
    void rejectsNullArraysByName() {
        float[] x = new float[4];
        NullPointerException e = assertThrows(
                NullPointerException.class,
                () -> Blas.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, null, 0, 2, 0f, x, 0, 2));
        assertEquals("B", e.getMessage());
    }

    @Test
    void emptyProductLeavesCAlone() {
        float[] c = {Float.NaN};
        Blas.sgemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        assertEquals(Float.NaN, c[0]);
    }
}

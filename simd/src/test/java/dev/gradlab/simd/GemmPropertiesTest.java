package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VectorGemm} against the scalar specification. Tolerance: the two may round differently
 * (fused multiply-adds, alpha applied to B), and each is within {@code k·u·(|alpha|·|A|·|B|)}
 * of the exact product (u = 2⁻²⁴), so every element must agree within
 * {@code (2k + 8)·u·(|alpha|·|op(A)|·|op(B)| + |beta|·|C|)} — the bound a wrong index or a missed
 * term exceeds by orders of magnitude.
 */
class GemmPropertiesTest {

    private static final Gemm SCALAR = Simd.scalar().gemm();

    @Provide
    Arbitrary<Integer> dims() {
        // 1, primes, and sizes around the lane count (8 or 16) and the tiles (4 or 8 rows; 16 or 32 columns).
        return Arbitraries.oneOf(
                Arbitraries.of(1, 2, 3, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 31, 32, 33, 47, 61, 97),
                Arbitraries.integers().between(1, 120));
    }

    @Provide
    Arbitrary<Float> scalars() {
        return Arbitraries.of(0f, 1f, -1f, 0.5f, 2.5f, -0.75f);
    }

    @Provide
    Arbitrary<String> tiles() {
        return Arbitraries.of("4x2", "8x2");
    }

    @Property(tries = 300)
    void matchesScalarOnRandomShapes(
            @ForAll("dims") int m,
            @ForAll("dims") int n,
            @ForAll("dims") int k,
            @ForAll boolean transA,
            @ForAll boolean transB,
            @ForAll("scalars") float alpha,
            @ForAll("scalars") float beta,
            @ForAll("tiles") String tile,
            @ForAll long seed) {
        Layout layout = Layout.random(transA, transB, m, n, k, new SplittableRandom(seed));
        if (beta == 0f) {
            Arrays.fill(layout.c, Float.NaN); // must not be read
        }
        assertMatchesScalar(new VectorGemm(MicroKernel.named(tile)), layout, alpha, beta, seed);
    }

    /** Shapes past every blocking boundary: several K blocks, several M blocks, the direct small-N path. */
    @Property(tries = 12)
    void matchesScalarAcrossCacheBlocks(
            @ForAll boolean transA, @ForAll boolean transB, @ForAll("scalars") float beta, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int m = 140 + random.nextInt(200);
        int n = random.nextBoolean() ? 1 + random.nextInt(40) : 40 + random.nextInt(200);
        int k = 250 + random.nextInt(400);
        Layout layout = Layout.random(transA, transB, m, n, k, random);
        assertMatchesScalar(new VectorGemm(), layout, 1.25f, beta, seed);
    }

    /**
     * A·Bᵀ and A·B with a narrow C (the output layer, low-rank factors) take the dot-product path:
     * every edge of it.
     */
    @Property(tries = 60)
    void narrowProductsMatchScalar(@ForAll boolean transB, @ForAll("scalars") float beta, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int m = 1 + random.nextInt(150);
        int n = 1 + random.nextInt(NarrowGemm.MAX_COLUMNS);
        int k = 32 + random.nextInt(600);
        assertMatchesScalar(new VectorGemm(), Layout.random(false, transB, m, n, k, random), 0.75f, beta, seed);
    }

    /** Tiny cache blocks put many K and M block boundaries, and edge panels, inside small shapes. */
    @Property(tries = 100)
    void matchesScalarWithTinyBlocks(
            @ForAll("dims") int m,
            @ForAll("dims") int n,
            @ForAll("dims") int k,
            @ForAll boolean transA,
            @ForAll boolean transB,
            @ForAll @IntRange(min = 1, max = 40) int kc,
            @ForAll @IntRange(min = 1, max = 40) int mc,
            @ForAll("tiles") String tile,
            @ForAll long seed) {
        Layout layout = Layout.random(transA, transB, m, n, k, new SplittableRandom(seed));
        assertMatchesScalar(new VectorGemm(MicroKernel.named(tile), kc, mc), layout, -0.75f, 0.5f, seed);
    }

    @Example
    void matchesScalarWiderThanOneBBlock() {
        for (int t = 0; t < 4; t++) {
            Layout layout = Layout.random((t & 1) != 0, (t & 2) != 0, 7, 4200, 3, new SplittableRandom(t));
            assertMatchesScalar(new VectorGemm(), layout, 1f, 0.5f, t);
        }
    }

    @Example
    void betaZeroIgnoresNaNInC() {
        int m = 13;
        int n = 37;
        int k = 19;
        Layout layout = Layout.random(false, true, m, n, k, new SplittableRandom(7));
        float[] c = layout.c.clone();
        Arrays.fill(c, Float.NaN);
        new VectorGemm()
                .sgemm(
                        false,
                        true,
                        m,
                        n,
                        k,
                        1f,
                        layout.a,
                        layout.aOff,
                        layout.lda,
                        layout.b,
                        layout.bOff,
                        layout.ldb,
                        0f,
                        c,
                        layout.cOff,
                        layout.ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = c[layout.cOff + i * layout.ldc + j];
                assertTrue(Float.isFinite(v), "C(" + i + ", " + j + ") = " + v);
            }
        }
    }

    @Example
    void zeroDepthScalesC() {
        float[] c = {1f, 2f, 3f, 4f};
        new VectorGemm().sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[2], 0, 2, 3f, c, 0, 2);
        assertArrayEquals(new float[] {3f, 6f, 9f, 12f}, c);
        float[] nan = {Float.NaN, Float.NaN};
        new VectorGemm().sgemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[2], 0, 2, 0f, nan, 0, 2);
        assertArrayEquals(new float[] {0f, 0f}, nan);
    }

    /**
     * Threads split a problem into M blocks, B panels, or (small N) M blocks of in-place A, but
     * every element comes from the same kernel calls, so the thread count cannot change a bit.
     */
    @Property(tries = 8)
    void sameResultOnOneAndTwoThreads(
            @ForAll boolean transA,
            @ForAll boolean transB,
            @ForAll @IntRange(min = 0, max = 2) int kind,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int m;
        int n;
        int k;
        if (kind == 0) { // tall: several M blocks
            m = 300 + random.nextInt(100);
            n = 40 + random.nextInt(30);
            k = 700 + random.nextInt(200);
        } else if (kind == 1) { // wide: one M block, B panels shared out
            m = 40 + random.nextInt(30);
            n = 300 + random.nextInt(100);
            k = 700 + random.nextInt(200);
        } else { // the output layer's small N
            m = 600 + random.nextInt(100);
            n = 17 + random.nextInt(15);
            k = 500 + random.nextInt(100);
        }
        Layout layout = Layout.random(transA, transB, m, n, k, random);
        float[] one;
        try (var t = Parallel.withThreads(1)) {
            one = layout.run(new VectorGemm(), 1f, 0.5f);
        }
        try (var t = Parallel.withThreads(2)) {
            assertArrayEquals(one, layout.run(new VectorGemm(), 1f, 0.5f));
        }
    }

    @Example
    void providerUsesTheVectorGemm() {
        assertSame(Simd.vector().gemm(), Simd.gemm(), Simd.describe());
        assertEquals(VectorGemm.class, Simd.gemm().getClass(), Simd.describe());
    }

    private static void assertMatchesScalar(Gemm gemm, Layout layout, float alpha, float beta, long seed) {
        float[] expected = layout.run(SCALAR, alpha, beta);
        float[] actual = layout.run(gemm, alpha, beta);
        float[] bound = layout.abs().run(SCALAR, Math.abs(alpha), Math.abs(beta));
        double u = Math.ulp(1f) / 2;
        double factor = (2.0 * layout.k + 8) * u;
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.compare(expected[i], actual[i]) == 0;
            if (!same && !(Math.abs(expected[i] - actual[i]) <= factor * bound[i] + Float.MIN_NORMAL)) {
                fail(gemm + " " + layout + " alpha=" + alpha + " beta=" + beta + " seed=" + seed
                        + ": element " + i + " expected " + expected[i] + " got " + actual[i]
                        + " (allowed " + factor * bound[i] + ")");
            }
        }
    }

    /** Operands stored with random offsets and leading dimensions, and C with sentinel padding. */
    private record Layout(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc) {

        static Layout random(boolean transA, boolean transB, int m, int n, int k, SplittableRandom random) {
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            int lda = aCols + (random.nextBoolean() ? 0 : random.nextInt(1, 5));
            int ldb = bCols + (random.nextBoolean() ? 0 : random.nextInt(1, 5));
            int ldc = n + (random.nextBoolean() ? 0 : random.nextInt(1, 5));
            int aOff = random.nextInt(4);
            int bOff = random.nextInt(4);
            int cOff = random.nextInt(4);
            return new Layout(
                    transA,
                    transB,
                    m,
                    n,
                    k,
                    fill(random, aOff + aRows * lda + random.nextInt(3)),
                    aOff,
                    lda,
                    fill(random, bOff + bRows * ldb + random.nextInt(3)),
                    bOff,
                    ldb,
                    fill(random, cOff + m * ldc + random.nextInt(3)),
                    cOff,
                    ldc);
        }

        private static float[] fill(SplittableRandom random, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) (random.nextDouble() * 2 - 1);
            }
            return x;
        }

        /** C after the call: the whole array, so writes outside the matrix show up too. */
        float[] run(Gemm gemm, float alpha, float beta) {
            float[] out = c.clone();
            gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        Layout abs() {
            return new Layout(transA, transB, m, n, k, abs(a), aOff, lda, abs(b), bOff, ldb, abs(c), cOff, ldc);
        }

        private static float[] abs(float[] x) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.abs(x[i]);
            }
            return y;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " aOff=" + aOff + " lda=" + lda + " bOff=" + bOff + " ldb=" + ldb
                    + " cOff=" + cOff + " ldc=" + ldc;
        }
    }
}

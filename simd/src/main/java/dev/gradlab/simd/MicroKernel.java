package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The innermost loop of {@link VectorGemm}: an {@code mr × nr} block of C accumulated in registers
 * as a sum of {@code kc} outer products (a column of A times a row of B), then written to C or
 * added to it once. {@code nr} is two vectors of the preferred species. Alpha and beta are not the
 * kernel's business: alpha is folded into packed B and C is scaled by beta beforehand, which keeps
 * the kernel small enough for C2 to compile whole.
 *
 * <p>B always comes packed: {@code kc} rows of {@code nr} floats. A comes either packed ({@code kc}
 * columns of {@code mr} floats, see {@link #packed}) or straight from a row-major matrix
 * ({@link #rows}), which spares small problems the cost of packing it.
 *
 * <p>The k loop is left rolled. Unrolled by hand, C2 hoists the loads of every step to the top of
 * the loop, and whether the accumulators then still fit the registers depends on the branch
 * profile of the stores after the loop: on JDK 17 the 4x2 tile spilled two accumulators to the
 * stack when it overwrote C (docs/gemm.md has the measurements).
 *
 * <p>The tiles, {@link MicroKernel4x2} and {@link MicroKernel8x2}, are written by
 * {@code simd/gen/gen_microkernels.py}.
 */
abstract class MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** System property naming the tile, {@code 4x2} or {@code 8x2}; the default suits the preferred species. */
    static final String PROPERTY = "gradlab.gemm.tile";

    /** Rows of the tile. */
    abstract int mr();

    /** Columns of the tile: two vectors. */
    final int nr() {
        return 2 * S.length();
    }

    /**
     * The tile from packed A: element {@code (r, p)} of the block at {@code a[aOff + p·mr + r]}.
     * Writes the tile into C at {@code c[cOff + r·ldc + j]}, or adds it there when {@code add}.
     */
    abstract void packed(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add);

    /** As {@link #packed}, from row-major A: element {@code (r, p)} at {@code a[aOff + r·lda + p]}. */
    abstract void rows(
            int kc, float[] a, int aOff, int lda, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add);

    /**
     * The tile named by {@code -Dgradlab.gemm.tile}, or else the one that suits the preferred
     * species: 8 rows for 512-bit vectors (AVX-512, 32 registers), 4 rows otherwise (AVX2, 16
     * registers; docs/gemm.md says why not 6, nor 14 at 512 bits).
     */
    static MicroKernel preferred() {
        String name = System.getProperty(PROPERTY, "");
        if (name.isEmpty()) {
            return S.vectorBitSize() >= 512 ? new MicroKernel8x2() : new MicroKernel4x2();
        }
        return named(name);
    }

    static MicroKernel named(String name) {
        switch (name) {
            case "4x2":
                return new MicroKernel4x2();
            case "8x2":
                return new MicroKernel8x2();
            default:
                throw new IllegalArgumentException(PROPERTY + " must be 4x2 or 8x2, got " + name);
        }
    }

    @Override
    public String toString() {
        return mr() + "x" + nr() + " tile";
    }
}

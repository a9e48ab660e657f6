package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * An 8-row by two-vector register tile: 16 accumulators, two vectors of B and one broadcast
 * of A, 19 vector registers in all.
 * The safe fallback for 512-bit vectors: about 5-10% slower than 14 rows, but it never
 * meets C2's register-allocation cliff.
 *
 * <p>The accumulators are named locals, one per register, so that C2 keeps each in a register
 * across the k loop; an array of vectors would be spilled. The stores are written out here too:
 * a shared helper is not inlined into a method this large, and then every vector is boxed.
 */
final class MicroKernel8x2 extends MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 8;

    @Override
    int mr() {
        return MR;
    }

    @Override
    void packed(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        // The loop runs over A, whose index then needs no arithmetic; B's is a multiple of it.
        int bShift = bOff - aOff * (2 * L / MR);
        for (int ai = aOff, end = aOff + kc * MR; ai < end; ai += MR) {
            int bi = bShift + ai * (2 * L / MR);
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        int o = cOff;
        if (add) {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c41.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c51.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c60.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c61.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c70.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c71.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        } else {
            c00.intoArray(c, o);
            c01.intoArray(c, o + L);
            o += ldc;
            c10.intoArray(c, o);
            c11.intoArray(c, o + L);
            o += ldc;
            c20.intoArray(c, o);
            c21.intoArray(c, o + L);
            o += ldc;
            c30.intoArray(c, o);
            c31.intoArray(c, o + L);
            o += ldc;
            c40.intoArray(c, o);
            c41.intoArray(c, o + L);
            o += ldc;
            c50.intoArray(c, o);
            c51.intoArray(c, o + L);
            o += ldc;
            c60.intoArray(c, o);
            c61.intoArray(c, o + L);
            o += ldc;
            c70.intoArray(c, o);
            c71.intoArray(c, o + L);
        }
    }

    @Override
    void rows(int kc, float[] a, int aOff, int lda, float[] b, int bOff, float[] c, int cOff, int ldc,
              boolean add) {
        int a0 = aOff;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        int o = cOff;
        if (add) {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c41.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c51.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c60.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c61.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c70.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c71.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        } else {
            c00.intoArray(c, o);
            c01.intoArray(c, o + L);
            o += ldc;
            c10.intoArray(c, o);
            c11.intoArray(c, o + L);
            o += ldc;
            c20.intoArray(c, o);
            c21.intoArray(c, o + L);
            o += ldc;
            c30.intoArray(c, o);
            c31.intoArray(c, o + L);
            o += ldc;
            c40.intoArray(c, o);
            c41.intoArray(c, o + L);
            o += ldc;
            c50.intoArray(c, o);
            c51.intoArray(c, o + L);
            o += ldc;
            c60.intoArray(c, o);
            c61.intoArray(c, o + L);
            o += ldc;
            c70.intoArray(c, o);
            c71.intoArray(c, o + L);
        }
    }
}

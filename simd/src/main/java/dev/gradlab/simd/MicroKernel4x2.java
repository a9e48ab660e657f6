package dev.gradlab.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 4-row by two-vector register tile: 8 accumulators, two vectors of B and one broadcast
 * of A, 11 vector registers in all.
 * The default for 256-bit vectors (AVX2): even with every load of an iteration hoisted
 * (4 broadcasts, 2 vectors of B) it needs 14 of the 16 registers, so C2 never spills it,
 * and on JDK 17 it runs as fast as 6x2. The classic AVX2 tile, 6x2 (15 of 16 registers), is
 * not offered: C2 of JDK 25 hoists its six broadcasts to the top of the loop and spills an
 * accumulator, at half speed, and on JDK 17 it was no faster than this one.
 *
 * <p>The accumulators are named locals, one per register, so that C2 keeps each in a register
 * across the k loop; an array of vectors would be spilled. The stores are written out here too:
 * a shared helper is not inlined into a method this large, and then every vector is boxed.
 */
final class MicroKernel4x2 extends MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 4;

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
        }
    }

    @Override
    void rows(int kc, float[] a, int aOff, int lda, float[] b, int bOff, float[] c, int cOff, int ldc,
              boolean add) {
        int a0 = aOff;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
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
        }
    }
}

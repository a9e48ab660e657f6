package dev.gradlab.simd;

/**
 * The counter-based standard normal generator behind {@link Kernels#gaussian}, one sample at a
 * time. Samples {@code 2p} and {@code 2p + 1} of a stream are the Box–Muller pair built from two
 * 24-bit uniforms, each a murmur3-finalized hash of the pair counter {@code p} and a 32-bit key
 * derived from {@code (seed, stream)}.
 */
final class GaussianStream {

    static final int MUL1 = 0x9E3779B9;
    static final int MUL2 = 0x85EBCA77;
    static final float TWO_PI = (float) (2 * Math.PI);
    static final float INV_2_24 = 1f / (1 << 24);

    final int key1;
    final int key2;

    GaussianStream(long seed, long stream) {
        long k = mix64(mix64(seed) ^ (stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L));
        this.key1 = (int) k;
        this.key2 = (int) (k >>> 32);
    }

    float sample(long i) {
        int p = (int) (i >>> 1);
        float u1 = ((fmix32(p * MUL1 + key1) >>> 8) + 0.5f) * INV_2_24; // (0, 1): log is finite
        float u2 = (fmix32(p * MUL2 + key2) >>> 8) * INV_2_24;          // [0, 1)
        float r = (float) Math.sqrt(-2.0 * Math.log(u1));
        double angle = TWO_PI * u2;
        return (i & 1) == 0 ? r * (float) Math.cos(angle) : r * (float) Math.sin(angle);
    }

    /** The murmur3 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** SplitMix64's finalizer. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

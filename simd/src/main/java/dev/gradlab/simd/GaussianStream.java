package dev.gradlab.simd;

/**
 * The counter-based standard normal generator behind {@link Kernels#gaussian}, one sample at a
 * time (the specification; {@link VectorKernels} computes the same values a vector at a time).
 *
 * <p>Samples are Box–Muller pairs {@code (r cos θ, r sin θ)}, {@code r = √(-2 ln u)}, built from
 * two 32-bit hashes of the pair counter {@code p}: {@code h1 = fmix32(p·MUL1 + key1)} gives
 * {@code u = 1 - (h1 >>> 9)·2^-23 ∈ (0, 1]} (so |z| ≤ 5.65: a tail of probability 1.6e-8 is cut), and {@code h2 = fmix32(p·MUL2 + key2)}
 * gives the angle: its top two bits pick the quadrant, its next 22 bits an offset
 * {@code t ∈ (-½, ½)} within it, {@code θ = (quadrant + t)·π/2}. fmix32 is murmur3's finalizer.
 *
 * <p>Layout: a stream is cut into blocks of {@value #BLOCK} samples holding 16 pairs, the 16
 * cosines first and then the 16 sines, so a vector of pairs stores its two halves without
 * shuffling. The keys come from {@code (seed, stream)} and the pair counter's high 32 bits (the
 * "epoch", which changes every 2^33 samples), so counters never wrap within a stream.
 */
final class GaussianStream {

    /** Samples per block: 16 cosines, then the 16 sines of the same pairs. */
    static final int BLOCK = 32;
    /** Samples per epoch (2^32 pairs): the keys change at these boundaries. */
    static final int EPOCH_SHIFT = 33;

    static final int MUL1 = 0x9E3779B9;
    static final int MUL2 = 0x85EBCA77;
    static final float INV_2_22 = 0x1p-22f;
    /** {@code t = j·2^-22 + T_OFFSET} maps j ∈ [0, 2^22) onto a grid symmetric about 0 in (-½, ½). */
    static final float T_OFFSET = -0.5f + 0x1p-23f;

    private final long streamKey;

    GaussianStream(long seed, long stream) {
        this.streamKey = mix64(mix64(seed) ^ (stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L));
    }

    /** The two 32-bit keys of an epoch, packed {@code key1 | key2 << 32}. */
    long keys(long epoch) {
        return mix64(streamKey + epoch * 0x9E3779B97F4A7C15L);
    }

    /** Sample {@code i} of the stream. */
    float sample(long i) {
        return sample(keys(i >>> EPOCH_SHIFT), i);
    }

    /** Sample {@code i}, given the keys of its epoch. */
    static float sample(long keys, long i) {
        int pair = (int) (((i >>> 5) << 4) | (i & 15)); // low 32 bits of the pair counter
        float r = radius(fmix32(pair * MUL1 + (int) keys));
        int h2 = fmix32(pair * MUL2 + (int) (keys >>> 32));
        boolean sine = (i & 16) != 0;
        return r * (sine ? sin(h2) : cos(h2));
    }

    /** {@code √(-2 ln u)} with {@code u = 1 - (h1 >>> 9)·2^-23 ∈ [2^-23, 1]}, built from bits without rounding. */
    static float radius(int h1) {
        float u = 2f - Float.intBitsToFloat(0x3F800000 | (h1 >>> 9)); // 2 - [1, 2)
        return (float) Math.sqrt(-2f * FloatMath.log(u));
    }

    /** The offset t ∈ (-½, ½) of the angle within its quadrant, from bits 8..29 of h2. */
    static float angleOffset(int h2) {
        return Math.fma((h2 >>> 8) & 0x3FFFFF, INV_2_22, T_OFFSET);
    }

    /** {@code cos θ}: quadrant q = h2 >>> 30 rotates (cos, sin) of tπ/2 by q quarter turns. */
    static float cos(int h2) {
        float t = angleOffset(h2);
        return switch (h2 >>> 30) {
            case 0 -> FloatMath.cosHalfPi(t);
            case 1 -> -FloatMath.sinHalfPi(t);
            case 2 -> -FloatMath.cosHalfPi(t);
            default -> FloatMath.sinHalfPi(t);
        };
    }

    /** {@code sin θ}, the partner of {@link #cos}. */
    static float sin(int h2) {
        float t = angleOffset(h2);
        return switch (h2 >>> 30) {
            case 0 -> FloatMath.sinHalfPi(t);
            case 1 -> FloatMath.cosHalfPi(t);
            case 2 -> -FloatMath.sinHalfPi(t);
            default -> -FloatMath.cosHalfPi(t);
        };
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

package dev.gradlab.core;

/**
 * PyTorch's CPU random number generator, so that a seed means the same numbers here as in PyTorch:
 * {@code new TorchGenerator(42)} draws what the global generator draws after
 * {@code torch.manual_seed(42)}, and {@link #fillUniform} writes what {@code uniform_} writes into a
 * float32 tensor.
 *
 * <p>The engine is MT19937, the 32-bit Mersenne Twister of M. Matsumoto and T. Nishimura,
 * "Mersenne Twister: A 623-dimensionally equidistributed uniform pseudo-random number generator",
 * ACM Transactions on Modeling and Computer Simulation 8(1), 1998, seeded by its
 * {@code init_genrand}. PyTorch takes 64-bit seeds (negative ones in two's complement, as a Java
 * {@code long} holds them) and seeds MT19937 with their low 32 bits only.
 *
 * <p>A float32 uniform sample uses one 32-bit draw, as PyTorch 1.13's CPU {@code uniform_} does:
 * its low 24 bits times 2<sup>-24</sup> give {@code x} in [0, 1), and the sample is
 * {@code x * (to - from) + from} in float with the multiply and add fused. PyTorch's AVX2 and AVX-512
 * kernels, which any x86 CPU of the last decade runs, are compiled that way; its default kernel for
 * older CPUs (or {@code ATEN_CPU_CAPABILITY=default}) rounds the product first, and then about half
 * the samples differ from these in the last bit. Rounding may, for some bounds, give {@code to}
 * itself; PyTorch rounds the same way.
 *
 * <p>Not thread-safe: like PyTorch's global generator, one generator is consumed in order.
 */
public final class TorchGenerator {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    private static final float TWO_TO_MINUS_24 = 0x1p-24f;

    private final int[] state = new int[N];
    private int next;

    /** A generator in the state {@code torch.manual_seed(seed)} leaves PyTorch's CPU generator in. */
    public TorchGenerator(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
        next = N;
    }

    /** The next 32-bit draw (PyTorch's {@code random()}); {@link Integer#toUnsignedLong} gives its value. */
    public int nextInt() {
        if (next == N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** Regenerates all N words of the state at once, as the reference {@code genrand_int32} does. */
    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        next = 0;
    }

    /** One sample of {@code U(from, to)}, as one element of PyTorch's float32 {@code uniform_(from, to)}. */
    public float nextUniform(float from, float to) {
        checkRange(from, to);
        return uniform(from, to);
    }

    /** Writes {@code n} samples of {@code U(from, to)} to {@code out[offset ..]}, in order. */
    public void fillUniform(float[] out, int offset, int n, float from, float to) {
        if (offset < 0 || n < 0 || offset > out.length - n) {
            throw new IllegalArgumentException("fillUniform needs 0 <= offset and offset + n <= out.length ("
                    + out.length + "), got offset=" + offset + ", n=" + n);
        }
        checkRange(from, to);
        for (int i = offset; i < offset + n; i++) {
            out[i] = uniform(from, to);
        }
    }

    private float uniform(float from, float to) {
        float x = (nextInt() & 0xffffff) * TWO_TO_MINUS_24;
        return Math.fma(x, to - from, from);
    }

    private static void checkRange(float from, float to) {
        if (!(from <= to) || !Float.isFinite(to - from)) {
            throw new IllegalArgumentException("uniform needs finite from <= to, got from=" + from + ", to=" + to);
        }
    }
}

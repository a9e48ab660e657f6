package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The counter-based Gaussian fill: determinism, slices equal to one fill of the whole range (any
 * start, odd ones included, across epoch boundaries), vector equal to scalar bit for bit, and the
 * distribution. The statistical checks use 5-sigma bounds (or α ≈ 0.001 for KS) on 2^18 samples,
 * and {@link #brokenGeneratorsFailTheChecks} shows that each bound rejects a plausible defect.
 */
class GaussianTest {

    static final Kernels SCALAR = Simd.scalar().kernels();
    static final Kernels VECTOR = Simd.vector().kernels();
    static final int N = 1 << 18;
    static final int BLOCK = GaussianStream.BLOCK;

    static float[] fill(Kernels k, long seed, long stream, long index, int n) {
        float[] out = new float[n];
        k.gaussian(seed, stream, index, out, 0, n);
        return out;
    }

    @Property(tries = 200)
    void anySliceEqualsTheSameRangeOfOneFill(
            @ForAll @IntRange(max = 400) int from,
            @ForAll @IntRange(max = 400) int length,
            @ForAll @IntRange(max = 7) int outOffset,
            @ForAll long seed,
            @ForAll @IntRange(max = 1000) int stream) {
        float[] whole = fill(SCALAR, seed, stream, 0, 800);
        assertArrayEquals(whole, fill(VECTOR, seed, stream, 0, 800), "vector and scalar fills are identical");
        for (Kernels k : List.of(SCALAR, VECTOR)) {
            float[] out = new float[outOffset + length + 3];
            Arrays.fill(out, Float.NaN);
            k.gaussian(seed, stream, from, out, outOffset, length);
            assertArrayEquals(
                    Arrays.copyOfRange(whole, from, from + length),
                    Arrays.copyOfRange(out, outOffset, outOffset + length),
                    k + ": slice [" + from + ", " + (from + length) + ")");
            for (int i = 0; i < out.length; i++) {
                if (i < outOffset || i >= outOffset + length) {
                    assertTrue(Float.isNaN(out[i]), k + " wrote outside its slice at " + i);
                }
            }
        }
    }

    @Property(tries = 60)
    void farIndicesAndEpochBoundariesMatchTheScalarSpecification(
            @ForAll @IntRange(min = -300, max = 300) int shift,
            @ForAll @IntRange(max = 3) int where,
            @ForAll long seed) {
        long epoch = 1L << GaussianStream.EPOCH_SHIFT;
        long base = switch (where) {
            case 0 -> epoch;
            case 1 -> 5 * epoch;
            case 2 -> 1L << 50;
            default -> Long.MAX_VALUE - 1000;
        };
        long index = base + shift;
        float[] vector = fill(VECTOR, seed, 3, index, 513);
        GaussianStream g = new GaussianStream(seed, 3);
        for (int i = 0; i < vector.length; i++) {
            assertEquals(g.sample(index + i), vector[i], "sample " + (index + i));
        }
    }

    @Test
    void fillsAreDeterministicAndStreamsAndSeedsDiffer() {
        float[] a = fill(VECTOR, 42, 7, 0, 1 << 16);
        assertArrayEquals(a, fill(VECTOR, 42, 7, 0, 1 << 16));
        float[] otherStream = fill(VECTOR, 42, 8, 0, 1 << 16);
        float[] otherSeed = fill(VECTOR, 43, 7, 0, 1 << 16);
        double bound = 5 / Math.sqrt(a.length);
        assertTrue(
                Math.abs(correlation(a, 0, otherStream, 0, a.length)) < bound, "neighbouring streams are uncorrelated");
        assertTrue(Math.abs(correlation(a, 0, otherSeed, 0, a.length)) < bound, "neighbouring seeds are uncorrelated");
        // Consecutive epochs get fresh keys: the first samples of epoch 1 are not those of epoch 0.
        assertFalse(Arrays.equals(Arrays.copyOf(a, 64), fill(VECTOR, 42, 7, 1L << GaussianStream.EPOCH_SHIFT, 64)));
    }

    @Test
    void samplesAreStandardNormal() {
        float[] z = fill(VECTOR, 20240601L, 0, 12345, N);
        List<String> failures = distributionFailures(z);
        assertTrue(failures.isEmpty(), String.join("; ", failures));
        float maxAbs = 0;
        for (float v : z) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        // About 17 of 2^18 samples exceed 4σ; none can exceed the 5.65 the 23-bit uniform allows.
        assertTrue(maxAbs > 4f && maxAbs <= 5.65f, "largest |z| " + maxAbs);
    }

    @Test
    void brokenGeneratorsFailTheChecks() {
        float[] good = fill(VECTOR, 20240601L, 0, 12345, N);

        float[] shifted = good.clone(); // a bias of 0.1σ
        for (int i = 0; i < N; i++) {
            shifted[i] += 0.1f;
        }
        assertFailsWith(shifted, "mean", "KS");

        float[] scaled = good.clone(); // 2% too wide
        for (int i = 0; i < N; i++) {
            scaled[i] *= 1.02f;
        }
        assertFailsWith(scaled, "variance");

        float[] uniform = new float[N]; // right mean and variance, wrong shape
        for (int i = 0; i < N; i++) {
            uniform[i] = (float)
                    ((Math.floorMod(GaussianStream.mix64(i), 1L << 24) / (double) (1 << 24) - 0.5) * Math.sqrt(12));
        }
        assertFailsWith(uniform, "tail", "KS", "chi-square");

        float[] correlatedPairs = good.clone(); // each sine partner follows its cosine
        for (int b = 0; b < N; b += BLOCK) {
            for (int j = 0; j < BLOCK / 2; j++) {
                correlatedPairs[b + BLOCK / 2 + j] =
                        0.5f * correlatedPairs[b + j] + 0.866f * correlatedPairs[b + BLOCK / 2 + j];
            }
        }
        assertFailsWith(correlatedPairs, "pair correlation");

        float[] sameRadius = good.clone(); // partners share |z| (e.g. sin and cos from one hash)
        for (int b = 0; b < N; b += BLOCK) {
            for (int j = 0; j < BLOCK / 2; j++) {
                sameRadius[b + BLOCK / 2 + j] = Math.copySign(sameRadius[b + j], sameRadius[b + BLOCK / 2 + j]);
            }
        }
        assertFailsWith(sameRadius, "pair square correlation");
    }

    static void assertFailsWith(float[] z, String... checks) {
        List<String> failures = distributionFailures(z);
        for (String check : checks) {
            assertTrue(
                    failures.stream().anyMatch(f -> f.startsWith(check + ":")),
                    "expected the " + check + " check to fail; failures: " + failures);
        }
    }

    /** The names and figures of the checks z fails; empty when z looks standard normal. */
    static List<String> distributionFailures(float[] z) {
        int n = z.length;
        List<String> failures = new ArrayList<>();
        double mean = 0;
        for (float v : z) {
            mean += v;
        }
        mean /= n;
        double variance = 0;
        for (float v : z) {
            variance += (v - mean) * (v - mean);
        }
        variance /= n - 1;
        if (Math.abs(mean) > 5 / Math.sqrt(n)) { // the sample mean has σ = 1/√n
            failures.add("mean: " + mean);
        }
        if (Math.abs(variance - 1) > 5 * Math.sqrt(2.0 / n)) { // the sample variance has σ ≈ √(2/n)
            failures.add("variance: " + variance);
        }
        double p = 2 * (1 - phi(3)); // P(|z| > 3) = 0.0027
        long beyond = 0;
        for (float v : z) {
            if (Math.abs(v) > 3) {
                beyond++;
            }
        }
        if (Math.abs(beyond - n * p) > 5 * Math.sqrt(n * p * (1 - p))) {
            failures.add("tail: " + beyond + " beyond 3σ, expected " + Math.round(n * p));
        }
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = z[i];
        }
        Arrays.sort(sorted);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = phi(sorted[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        if (d * Math.sqrt(n) > 1.95) { // Kolmogorov: P(√n·D > 1.95) ≈ 0.001
            failures.add("KS: D = " + d);
        }
        int bins = 64; // equiprobable under N(0, 1)
        long[] counts = new long[bins];
        for (float v : z) {
            counts[Math.min(bins - 1, (int) (phi(v) * bins))]++;
        }
        double chi2 = 0;
        double expected = (double) n / bins;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        if (chi2 > (bins - 1) + 5 * Math.sqrt(2.0 * (bins - 1))) { // χ² with 63 degrees of freedom: mean 63, σ 11.2
            failures.add("chi-square: " + chi2);
        }
        int pairs = n / 2;
        double pairBound = 5 / Math.sqrt(pairs);
        float[] cosines = new float[pairs];
        float[] sines = new float[pairs];
        for (int b = 0, k = 0; b < n; b += BLOCK) {
            for (int j = 0; j < BLOCK / 2; j++, k++) {
                cosines[k] = z[b + j];
                sines[k] = z[b + BLOCK / 2 + j];
            }
        }
        double rho = correlation(cosines, 0, sines, 0, pairs);
        if (Math.abs(rho) > pairBound) {
            failures.add("pair correlation: " + rho);
        }
        for (int k = 0; k < pairs; k++) {
            cosines[k] *= cosines[k];
            sines[k] *= sines[k];
        }
        double rhoSquares = correlation(cosines, 0, sines, 0, pairs);
        if (Math.abs(rhoSquares) > pairBound * Math.sqrt(2)) { // corr of χ²₁ variables has a heavier spread
            failures.add("pair square correlation: " + rhoSquares);
        }
        double lag1 = correlation(z, 0, z, 1, n - 1);
        if (Math.abs(lag1) > 5 / Math.sqrt(n)) {
            failures.add("lag-1 correlation: " + lag1);
        }
        return failures;
    }

    static double correlation(float[] a, int aOff, float[] b, int bOff, int n) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[aOff + i];
            mb += b[bOff + i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aOff + i] - ma;
            double y = b[bOff + i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** The standard normal CDF, through Abramowitz and Stegun 7.1.26 for erf (error below 1.5e-7). */
    static double phi(double x) {
        double a = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-a * a);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}

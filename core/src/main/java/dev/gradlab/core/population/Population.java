package dev.gradlab.core.population;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Simd;
import java.util.List;

/**
 * Perturbed copies of a model, described by seeds and never stored: {@code directions} noise
 * directions, each the standard normal stream {@code (seed_d, stream_d)} of the simd counter-based
 * generator, turned into a perturbation of every parameter by a {@link Perturbation} family. Member
 * {@code m} is the model at {@code w + sign_m·σ·E_{d(m)}}: one member per direction, or with
 * antithetic pairs two, {@code 2d} at {@code +σ} and {@code 2d + 1} at {@code −σ}.
 *
 * <p>A direction's stream holds the noise of the parameters one after another, in
 * {@code model.parameters()} order, each taking {@link Perturbation#noiseLength} numbers; any part of
 * it can be regenerated on any thread with the same values.
 *
 * <p>A {@link #scaled} population multiplies each parameter element's noise by a scale of its own, for
 * search distributions with one σ per parameter (PGPE, SNES).
 */
public final class Population {

    private final Perturbation perturbation;
    private final float sigma;
    private final boolean antithetic;
    private final long[] seeds;
    private final long[] streams;
    /** Per parameter element, flat in {@code model.parameters()} order, what its noise is multiplied by; or null. */
    private final float[] scale;

    private Population(Perturbation perturbation, float sigma, boolean antithetic, long[] seeds, long[] streams) {
        this(perturbation, sigma, antithetic, seeds, streams, null);
    }

    private Population(
            Perturbation perturbation, float sigma, boolean antithetic, long[] seeds, long[] streams, float[] scale) {
        if (perturbation == null) {
            throw new IllegalArgumentException("perturbation is null");
        }
        if (!(sigma > 0) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
        }
        if (seeds.length == 0 || seeds.length != streams.length) {
            throw new IllegalArgumentException("a population needs at least one direction and one stream per seed,"
                    + " got " + seeds.length + " seeds and " + streams.length + " streams");
        }
        this.perturbation = perturbation;
        this.sigma = sigma;
        this.antithetic = antithetic;
        this.seeds = seeds;
        this.streams = streams;
        this.scale = scale;
    }

    /**
     * The same members with element {@code i} of every direction's noise multiplied by
     * {@code scale[i]} (the parameters flattened in {@code model.parameters()} order): member {@code m}
     * is then the model at {@code w + s_m·σ·(scale ⊙ E_{d(m)})}, a Gaussian with one standard deviation
     * {@code σ·scale[i]} per parameter. Full-rank only: {@code scale ⊙ A·Bᵀ} is no longer low-rank, so
     * the products that low-rank members share would be wrong. {@code scale} is copied.
     *
     * @throws IllegalArgumentException when the perturbation is low-rank or a scale is not finite
     */
    public Population scaled(float[] scale) {
        if (perturbation.rank() != 0) {
            throw new IllegalArgumentException("a per-parameter scale needs full-rank noise, got " + perturbation);
        }
        for (int i = 0; i < scale.length; i++) {
            if (!Float.isFinite(scale[i])) {
                throw new IllegalArgumentException("scale[" + i + "] must be finite, got " + scale[i]);
            }
        }
        return new Population(perturbation, sigma, antithetic, seeds, streams, scale.clone());
    }

    /** Whether the noise has a {@link #scaled per-parameter scale}. */
    public boolean isScaled() {
        return scale != null;
    }

    /**
     * The directions of step {@code step} of evolution strategies: direction {@code d} is stream
     * {@code step·2³² + d} of {@code seed}.
     */
    public static Population es(
            Perturbation perturbation, float sigma, boolean antithetic, long seed, long step, int directions) {
        if (directions < 1) {
            throw new IllegalArgumentException("directions must be at least 1, got " + directions);
        }
        long[] seeds = new long[directions];
        long[] streams = new long[directions];
        for (int d = 0; d < directions; d++) {
            seeds[d] = seed;
            streams[d] = stream(step, d);
        }
        return new Population(perturbation, sigma, antithetic, seeds, streams);
    }

    /** One direction per seed, each stream 0 of its seed: the mutations of a genetic algorithm. */
    public static Population ofSeeds(Perturbation perturbation, float sigma, long... seeds) {
        return new Population(perturbation, sigma, false, seeds.clone(), new long[seeds.length]);
    }

    /**
     * Directions given by their seeds and streams, direction {@code d} being stream {@code streams[d]}
     * of {@code seeds[d]}: what {@link #seed(int)} and {@link #stream(int)} describe, rebuilt (in
     * another process, or for a range of a population's directions).
     */
    public static Population of(
            Perturbation perturbation, float sigma, boolean antithetic, long[] seeds, long[] streams) {
        return new Population(perturbation, sigma, antithetic, seeds.clone(), streams.clone());
    }

    /** The seed of direction {@code direction}'s noise stream. */
    public long seed(int direction) {
        return seeds[direction];
    }

    /** The stream of direction {@code direction}'s noise, within its {@link #seed(int) seed}. */
    public long stream(int direction) {
        return streams[direction];
    }

    /** The stream of direction {@code direction} at training step {@code step}. */
    public static long stream(long step, int direction) {
        return step * 0x1_0000_0000L + direction;
    }

    public Perturbation perturbation() {
        return perturbation;
    }

    public float sigma() {
        return sigma;
    }

    public boolean antithetic() {
        return antithetic;
    }

    public int directions() {
        return seeds.length;
    }

    /** Members: directions, or twice as many with antithetic pairs. */
    public int members() {
        return antithetic ? 2 * seeds.length : seeds.length;
    }

    /** Elements {@code [from, from + n)} of direction {@code direction}'s noise stream. */
    void noise(int direction, long from, float[] out, int offset, int n) {
        Simd.kernels().gaussian(seeds[direction], streams[direction], from, out, offset, n);
        if (scale != null) {
            // Full-rank: a stream's position is the parameter element's flat index.
            int at = (int) from;
            for (int j = 0; j < n; j++) {
                out[offset + j] *= scale[at + j];
            }
        }
    }

    /** Where each parameter's noise starts in a direction's stream. */
    long[] noiseOffsets(List<Tensor> params) {
        long[] offsets = new long[params.size()];
        long off = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = off;
            off += perturbation.noiseLength(params.get(i));
        }
        if (scale != null && off != scale.length) {
            throw new IllegalArgumentException(
                    "the population's scale has " + scale.length + " elements, the model's parameters " + off);
        }
        return offsets;
    }

    /**
     * {@code gradient = Σ_d weights[d]·E_d}, flattened in {@code params} order: the evolution-strategies
     * estimate once each direction's weight is known. Bit-identical for any thread count.
     */
    public void weightedSum(List<Tensor> params, float[] weights, float[] gradient) {
        if (weights.length < directions()) {
            throw new IllegalArgumentException(
                    "weights must have one entry per direction (" + directions() + "), got " + weights.length);
        }
        int count = Parameters.count(params);
        if (gradient.length != count) {
            throw new IllegalArgumentException(
                    "gradient must have " + count + " elements (the parameters' count)," + " got " + gradient.length);
        }
        long[] offsets = noiseOffsets(params);
        int off = 0;
        for (int i = 0; i < offsets.length; i++) {
            Tensor p = params.get(i);
            perturbation.weightedSum(this, p, offsets[i], weights, gradient, off);
            off += p.size();
        }
    }

    /** Adds {@code scale·E_direction} to the parameters' values: moves the model onto a member. */
    public void apply(int direction, float scale, List<Tensor> params) {
        long[] offsets = noiseOffsets(params);
        for (int i = 0; i < offsets.length; i++) {
            Tensor p = params.get(i);
            int n = perturbation.noiseLength(p);
            float[] e = new float[n];
            noise(direction, offsets[i], e, 0, n);
            perturbation.addTo(e, 0, p, scale, p.data(), 0);
        }
    }

    @Override
    public String toString() {
        return "Population(" + members() + " members, " + perturbation + ", sigma=" + sigma
                + (antithetic ? ", antithetic" : "") + (scale != null ? ", scaled per parameter" : "") + ")";
    }
}

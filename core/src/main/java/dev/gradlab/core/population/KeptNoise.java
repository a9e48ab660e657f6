package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Parallel;

/**
 * Lockstep: every direction's noise for every parameter of a model, generated once per population
 * and kept for the calls that follow (the steps of one rollout), so that a step costs products, not
 * noise. Per parameter one array with the directions one after another, direction {@code d}'s
 * {@link Perturbation#noiseLength} numbers from {@link #at}: a block of members, whose directions
 * ascend, reads each parameter's noise in one sweep. Vector parameters (biases) also keep
 * {@code σ·e}, which their members add as it is.
 */
final class KeptNoise {

    final Population population;
    final Tensor[] params;
    /** Per parameter, every direction's noise. */
    final float[][] noise;
    /** Per parameter, every direction's {@code σ·e} for a vector parameter; null for a matrix. */
    final float[][] scaled;

    private final int[] lengths;

    private KeptNoise(Population population, Tensor[] params, int[] lengths) {
        this.population = population;
        this.params = params;
        this.lengths = lengths;
        this.noise = new float[params.length][];
        this.scaled = new float[params.length][];
    }

    /**
     * The noise of {@code population} for {@code params} (whose noise starts at {@code noiseOffsets} in
     * each direction's stream), generated on the pool; null when it would take more than
     * {@code limit} numbers.
     */
    static KeptNoise generate(Population population, Tensor[] params, long[] noiseOffsets, long limit) {
        int directions = population.directions();
        int[] lengths = new int[params.length];
        long total = 0;
        for (int i = 0; i < params.length; i++) {
            lengths[i] = population.perturbation().noiseLength(params[i]);
            total += lengths[i];
        }
        if (total * directions > limit) {
            return null;
        }
        KeptNoise kept = new KeptNoise(population, params, lengths);
        for (int i = 0; i < params.length; i++) {
            kept.noise[i] = new float[directions * lengths[i]];
            kept.scaled[i] = params[i].rank() < 2 ? new float[directions * lengths[i]] : null;
        }
        int tasks = Math.min(Parallel.threads(), directions);
        Parallel.forEach(tasks, t -> {
            for (int d = t; d < directions; d += tasks) {
                for (int i = 0; i < params.length; i++) {
                    int n = lengths[i];
                    population.noise(d, noiseOffsets[i], kept.noise[i], d * n, n);
                    if (kept.scaled[i] != null) {
                        population
                                .perturbation()
                                .scaled(kept.noise[i], d * n, params[i], population.sigma(), kept.scaled[i], d * n);
                    }
                }
            }
        });
        return kept;
    }

    /** Where direction {@code d}'s numbers for parameter {@code i} start in {@code noise[i]} and {@code scaled[i]}. */
    int at(int i, int d) {
        return d * lengths[i];
    }

    /** Whether this is the noise of {@code population} for {@code params}. */
    boolean of(Population population, Tensor[] params) {
        if (population != this.population || params.length != this.params.length) {
            return false;
        }
        for (int i = 0; i < params.length; i++) {
            if (params[i] != this.params[i]) {
                return false;
            }
        }
        return true;
    }
}

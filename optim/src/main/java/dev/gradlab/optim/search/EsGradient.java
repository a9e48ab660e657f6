package dev.gradlab.optim.search;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.population.Population;
import java.util.List;

/**
 * The evolution-strategies estimate of one generation, from its seeds and one fitness per member:
 * the one implementation behind the {@code Trainer}'s ES estimator ({@code EvolutionStrategies}) and
 * {@link OpenAiEs}. Member {@code i} is {@code w + σ E_i} (and {@code w − σ E_i} with antithetic
 * pairs), {@code E_i} direction {@code i} of the {@link Population}, full-rank or low-rank, and
 *
 * <ul>
 *   <li>vanilla: {@code g = 1/(N σ) Σ E_i f_i};
 *   <li>antithetic: {@code g = 1/(2 N σ) Σ E_i (f_i⁺ − f_i⁻)}, {@code N} pairs;
 *   <li>rank shaping: the fitness values replaced first by their {@link Ranks#centered centered ranks};
 *   <li>baseline: the mean of those values subtracted first (a no-op for pairs and for ranks).
 * </ul>
 *
 * {@code g} estimates the gradient of the fitness; it is assembled by {@link Population#weightedSum},
 * the same to the bit on any number of threads. An instance keeps its buffers between generations,
 * so it is not for concurrent use.
 */
public final class EsGradient {

    private final boolean antithetic;
    private final boolean rankShaping;
    private final boolean baseline;
    private float[] shaped = new float[0];
    private float[] weights = new float[0];
    private long nonFinite;

    public EsGradient(boolean antithetic, boolean rankShaping, boolean baseline) {
        this.antithetic = antithetic;
        this.rankShaping = rankShaping;
        this.baseline = baseline;
    }

    /**
     * {@code gradient = g} (flattened in {@code params} order) from {@code fitness[m]} of each member of
     * {@code members}. NaN or infinite values are counted; with rank shaping they rank worst, and when
     * every member fails they all tie and {@code g} is 0 (a {@link SearchStrategy} refuses such a
     * generation before; the {@code Trainer} stops at a run that no longer moves).
     */
    public void estimate(Population members, double[] fitness, List<Tensor> params, float[] gradient) {
        if (members.antithetic() != antithetic) {
            throw new IllegalArgumentException("members must " + (antithetic ? "" : "not ") + "be antithetic pairs");
        }
        int n = members.members();
        int directions = members.directions();
        for (int m = 0; m < n; m++) {
            nonFinite += Double.isFinite(fitness[m]) ? 0 : 1;
        }
        shaped = shaped.length >= n ? shaped : new float[n];
        weights = weights.length >= directions ? weights : new float[directions];
        if (rankShaping) {
            Ranks.centered(fitness, n, shaped);
        } else {
            for (int m = 0; m < n; m++) {
                shaped[m] = (float) fitness[m];
            }
        }
        if (baseline) {
            double sum = 0;
            for (int m = 0; m < n; m++) {
                sum += shaped[m];
            }
            float mean = (float) (sum / n);
            for (int m = 0; m < n; m++) {
                shaped[m] -= mean;
            }
        }
        // v_i / σ² = E_i / σ, so 1/(N σ²) Σ v_i f_i = Σ E_i · f_i / (N σ): scale is 1/(N σ).
        float scale = 1f / (directions * members.sigma());
        for (int i = 0; i < directions; i++) {
            weights[i] = antithetic ? (shaped[2 * i] - shaped[2 * i + 1]) * 0.5f * scale : shaped[i] * scale;
        }
        try (var ws = Workspace.open()) {
            members.weightedSum(params, weights, gradient);
        }
    }

    /** NaN or infinite fitness values seen so far (ranked worst with rank shaping). */
    public long nonFiniteEvaluations() {
        return nonFinite;
    }
}

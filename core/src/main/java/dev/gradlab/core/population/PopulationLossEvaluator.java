package dev.gradlab.core.population;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.nn.Module;

/**
 * What computes the losses of a {@link Population}'s members on one batch: the seam through which
 * evolution strategies and the genetic algorithm get their losses. {@link PopulationEvaluator} does
 * it in this process; another implementation may spread the members over machines (gradlab-cluster).
 * Whatever does it must give every member the loss that {@link PopulationEvaluator} gives it, to the
 * bit, so that a run does not depend on where its members were evaluated.
 */
@FunctionalInterface
public interface PopulationLossEvaluator {

    /**
     * Fills {@code losses[m]} with {@code objective} at member {@code m} of {@code population} and
     * returns the objective at the model's unperturbed parameters. The model is not changed.
     */
    float evaluate(Module model, Objective objective, Batch batch, Population population, float[] losses);
}

package dev.gradlab.optim;

import dev.gradlab.core.Batch;
import dev.gradlab.core.Objective;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.population.Population;
import dev.gradlab.core.population.PopulationLossEvaluator;

/**
 * A {@link PopulationLossEvaluator} that the {@link GeneticAlgorithm} also tells which {@link Genome}
 * the model's weights are, so that it can describe them by the genome's chain of seeds instead of
 * the weights themselves (gradlab-cluster sends the chain to machines that rebuild the weights).
 */
public interface GenomeEvaluator extends PopulationLossEvaluator {

    /**
     * {@link #evaluate(Module, Objective, Batch, Population, float[])} with {@code model} at the
     * weights of {@code parent}, the genome whose mutations {@code population} describes.
     */
    float evaluate(
            Genome parent, Module model, Objective objective, Batch batch, Population population, float[] losses);
}

package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import java.util.List;

/**
 * One step of a {@link Trainer} (one generation of a {@link GeneticAlgorithm}), as a
 * {@link TrainingListener} sees it right after the optimizer's step.
 *
 * @param epoch the epoch, from 0
 * @param batch the batch within the epoch, from 0
 * @param step the global step, from 0 over all epochs (the GA's generation)
 * @param loss the batch's loss at the weights before the step (the GA: the fittest's)
 * @param parameters the model's parameters, each one's {@code grad()} holding the gradient or
 *     estimate the step used (the optimizer leaves it as the estimator set it); empty for the
 *     genetic algorithm, which has none. Valid during the call only: the next step overwrites them.
 */
public record TrainingStep(int epoch, int batch, long step, float loss, List<Tensor> parameters) {}

package dev.gradlab.cli;

import dev.gradlab.core.population.Perturbation;

/** The perturbation families {@code --perturbation} offers. */
enum PerturbationChoice {
    FULL,
    LOWRANK;

    Perturbation of(int rank) {
        return this == FULL ? Perturbation.fullRank() : Perturbation.lowRank(rank);
    }
}

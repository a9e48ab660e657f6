package dev.gradlab.cli;

import dev.gradlab.core.population.Perturbation;
import java.util.Locale;

/** The perturbation families {@code --perturbation} offers. */
enum PerturbationChoice {
    FULL,
    LOWRANK;

    Perturbation of(int rank) {
        return this == FULL ? Perturbation.fullRank() : Perturbation.lowRank(rank);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gradlab.cli;

import java.util.Locale;

/** The optimizers {@code --optimizer} offers. */
enum OptimizerChoice {
    SGD, ADAM;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

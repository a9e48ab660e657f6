package dev.gradlab.cli;

import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import java.util.Locale;

/** The hidden-layer activations the command line offers, by their lower-case option names. */
enum Activation {
    SIGMOID, RELU, REQU, TANH;

    Module create() {
        return switch (this) {
            case SIGMOID -> new Sigmoid();
            case RELU -> new ReLU();
            case REQU -> new ReQU();
            case TANH -> new Tanh();
        };
    }

    /** Parses the name written in a weights file header or on the command line. */
    static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.toString().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation must be one of sigmoid, relu, requ, tanh, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gradlab.core.model;

import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import java.util.Locale;

/** The hidden-layer activations of an {@link Architecture}, by their lower-case names. */
public enum Activation {
    SIGMOID,
    RELU,
    REQU,
    TANH;

    /** A new module computing this activation. */
    public Module create() {
        return switch (this) {
            case SIGMOID -> new Sigmoid();
            case RELU -> new ReLU();
            case REQU -> new ReQU();
            case TANH -> new Tanh();
        };
    }

    /** Parses a name as {@link #toString()} writes it, ignoring case and surrounding space. */
    public static Activation parse(String name) {
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

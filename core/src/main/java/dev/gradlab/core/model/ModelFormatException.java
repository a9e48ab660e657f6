package dev.gradlab.core.model;

/**
 * A model or checkpoint file that is not in the expected format, is truncated, corrupt, or does not
 * match what it claims to hold; the message names the file and the byte offset.
 */
public final class ModelFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }
}

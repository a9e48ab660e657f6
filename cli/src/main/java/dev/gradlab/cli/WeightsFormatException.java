package dev.gradlab.cli;

/** A weights file that is not in gradlab's format, is truncated or corrupt; the message says which and where. */
final class WeightsFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    WeightsFormatException(String message) {
        super(message);
    }
}

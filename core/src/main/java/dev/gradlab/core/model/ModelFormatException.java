package dev.gradlab.core.model;

/**
 * A model, checkpoint or genome file that is not in the expected format, is truncated, corrupt, or
 * does not match what it claims to hold; the message names the file and the byte offset or the
 * field. It is not an {@link IllegalArgumentException}: the file is at fault, not the caller's
 * arguments. Control characters that came from the file are escaped in the message, and a message
 * that quotes a huge value from the file is cut at {@value #MAX_LENGTH} characters.
 */
public final class ModelFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    static final int MAX_LENGTH = 1000;

    public ModelFormatException(String message) {
        super(escape(message));
    }

    /** "{@code file}: at byte {@code offset}: {@code message}". */
    public ModelFormatException(String file, long offset, String message) {
        this(file + ": at byte " + offset + ": " + message);
    }

    /** The text with every control character as a {@code \}{@code uXXXX} escape, cut to {@link #MAX_LENGTH}. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 40));
        for (int i = 0; i < text.length(); i++) {
            if (b.length() >= MAX_LENGTH) {
                return b.append("... (cut, ")
                        .append(text.length())
                        .append(" characters in all)")
                        .toString();
            }
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

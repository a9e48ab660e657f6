package dev.gradlab.cli;

import java.util.Locale;

/** Small pieces of output text. */
final class Text {

    private Text() {}

    /** {@code String.format} in {@link Locale#ROOT}: a decimal point whatever the user's locale. */
    static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** "1 epoch", "2 epochs": {@code n} and the noun, plural unless {@code n} is 1. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@code s} fit to quote on one line: control characters as {@code \\uXXXX}, at most 80 characters. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : (s.length() > 80 ? s.substring(0, 80) : s).toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return "'" + b + (s.length() > 80 ? "...'" : "'");
    }
}

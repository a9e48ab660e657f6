package dev.gradlab.cli;

/** Small pieces of output text. */
final class Text {

    private Text() {}

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

package dev.gradlab.cli;

/** Small pieces of output text. */
final class Text {

    private Text() {
    }

    /** "1 epoch", "2 epochs": {@code n} and the noun, plural unless {@code n} is 1. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}

package dev.gradlab.cli;

import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Options' values on their way into the library, which checks them: the library's
 * {@link IllegalArgumentException} comes back naming the option instead of the library's argument
 * ({@code epochs must be >= 1, got 0} from {@code --warmup 0} reads
 * {@code Invalid value for option '--warmup': must be >= 1, got 0}). {@link Main} turns every
 * {@code IllegalArgumentException} into a usage error.
 */
final class Usage {

    /** The library's messages start with the argument's name: "sigma must be finite and > 0, got 0.0". */
    private static final Pattern SUBJECT = Pattern.compile("^(\\S+) (must .*)", Pattern.DOTALL);

    private Usage() {
    }

    /** {@code call}'s result; its IllegalArgumentException, reworded to name {@code option}. */
    static <T> T option(String option, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            Matcher m = SUBJECT.matcher(String.valueOf(e.getMessage()));
            throw invalid(option, m.matches() ? m.group(2) : e.getMessage(), e);
        }
    }

    /**
     * {@code call}'s result, for a call that takes several options: its IllegalArgumentException is
     * reworded to name the option that {@code optionOf} gives for the library's argument, and left
     * as it is for an argument not in the map.
     */
    static <T> T options(Map<String, String> optionOf, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            Matcher m = SUBJECT.matcher(String.valueOf(e.getMessage()));
            if (m.matches() && optionOf.containsKey(m.group(1))) {
                throw invalid(optionOf.get(m.group(1)), m.group(2), e);
            }
            throw e;
        }
    }

    private static IllegalArgumentException invalid(String option, String problem, IllegalArgumentException cause) {
        return new IllegalArgumentException("Invalid value for option '" + option + "': " + problem, cause);
    }
}

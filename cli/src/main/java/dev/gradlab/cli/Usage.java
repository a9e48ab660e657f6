package dev.gradlab.cli;

import dev.gradlab.core.InvalidSettingException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The command line's half of the library's contract: the library refuses a user's setting with an
 * {@link InvalidSettingException} that names it as its API does ({@code batchSize}); {@link #OPTIONS}
 * says which option sets it ({@code --batch}), and {@link Main} reports the refusal as a usage error
 * naming that option. Any other exception from the library is a failure.
 */
final class Usage {

    /** The option that sets each of the library's settings, by the builder method or parameter's name. */
    static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("lr", "--lr"),
            Map.entry("momentum", "--momentum"),
            Map.entry("epochs", "--epochs"),
            Map.entry("batchSize", "--batch"),
            Map.entry("batch", "--batch"),
            Map.entry("maxLoss", "--max-loss"),
            Map.entry("population", "--population"),
            Map.entry("directions", "--population"),
            Map.entry("sigma", "--sigma"),
            Map.entry("eps", "--sigma"),
            Map.entry("parents", "--parents"),
            Map.entry("elites", "--elites"),
            Map.entry("rank", "--rank"),
            Map.entry("hidden", "--hidden"),
            Map.entry("warmup", "--warmup"),
            Map.entry("lrSchedule", "--lr-schedule"),
            Map.entry("sigmaSchedule", "--sigma-schedule"),
            Map.entry("function", "--function"),
            Map.entry("dim", "--dim"),
            Map.entry("strategy", "--strategy"),
            Map.entry("budget", "--budget"),
            Map.entry("task", "--task"),
            Map.entry("method", "--method"),
            Map.entry("cluster", "--cluster"),
            Map.entry("members", "--members"),
            Map.entry("bind", "--bind"),
            Map.entry("port", "--port"));

    private Usage() {}

    /**
     * {@code call}'s result; a refusal of its value is reported as a refusal of {@code setting}: for
     * {@code LrSchedule.parse}, whose {@code spec} may be either schedule, the Trainer's setting it is
     * parsed for ({@code lrSchedule} or {@code sigmaSchedule}).
     */
    static <T> T as(String setting, Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidSettingException e) {
            InvalidSettingException renamed = new InvalidSettingException(setting, e.problem());
            renamed.initCause(e);
            throw renamed;
        }
    }

    /** A usage error the command line finds itself: {@code message} names the option. */
    static UsageException error(String message) {
        return new UsageException(message);
    }

    /** Refuses {@code value} of {@code option} unless it is at least 1. */
    static void positive(String option, int value) {
        if (value < 1) {
            throw error("Invalid value for option '" + option + "': must be >= 1, got " + value);
        }
    }

    /** Refuses {@code value} of {@code option} unless it is a finite number above 0. */
    static void finitePositive(String option, float value) {
        if (!(value > 0 && Float.isFinite(value))) {
            throw error("Invalid value for option '" + option + "': must be a finite number > 0, got " + value);
        }
    }

    /** A usage error found by the command line, not by picocli's parser: {@link Main} reports it as such. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}

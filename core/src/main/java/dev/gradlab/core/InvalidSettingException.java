package dev.gradlab.core;

/**
 * A setting that the library refuses: a learning rate, a population size, a σ, a batch size. It
 * names the setting as the library's API names it ({@code "sigma"}, {@code "batchSize"}) and says
 * what is wrong, so that a front end can report it in its own words (the {@code gradlab} command
 * maps each setting to its option). Any other {@link IllegalArgumentException} from the library is
 * a misuse of the API or a bug, not a bad setting.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private final String setting;
    private final String problem;

    /**
     * @param setting the setting's name, as the builder method or parameter that takes it
     * @param problem what is wrong, starting with "must": {@code "must be finite and > 0, got 0.0"}
     */
    public InvalidSettingException(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    /** The setting's name, as the builder method or parameter that takes it. */
    public String setting() {
        return setting;
    }

    /** What is wrong with the value: {@code "must be >= 1, got 0"}. */
    public String problem() {
        return problem;
    }
}

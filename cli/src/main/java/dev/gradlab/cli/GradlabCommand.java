package dev.gradlab.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code gradlab} command: its subcommands do the work. */
@Command(
        name = "gradlab",
        mixinStandardHelpOptions = true,
        versionProvider = GradlabCommand.Version.class,
        description = "Gradients of neural networks, computed and estimated, on the Java Vector API.")
public final class GradlabCommand implements Runnable {

    /**
     * The commands, in the order of {@code gradlab --help}. {@link Main} adds them to the command
     * line, or only the one a command line runs: picocli reads every option of every command it is
     * given as it starts.
     */
    static final List<Class<?>> COMMANDS = List.of(
            TrainCommand.class,
            EvaluateCommand.class,
            CompareCommand.class,
            GradientsCommand.class,
            GraphCommand.class,
            BackpropTraceCommand.class,
            GradientStatsCommand.class,
            InfoCommand.class,
            MinimizeCommand.class,
            WorkerCommand.class,
            picocli.CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    // Read from the parse result by Main's failure handler; declared here so that every command accepts it.
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace as well as the message.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command: one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    /** The version from the jar's manifest (the Maven project's version), or "development" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GradlabCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "gradlab " + (version == null ? "development" : version) + " (Java " + Runtime.version() + ")"
            };
        }
    }
}

package dev.gradlab.cli;

import dev.gradlab.core.InvalidSettingException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of the {@code gradlab} command. Exit codes: 0 success, 2 a usage error (one line naming
 * the option, the expected and the given value): picocli's parse errors, the commands' own
 * ({@link Usage#error}) and the library's refusals of a setting an option gave
 * ({@link InvalidSettingException}, named by {@link Usage#OPTIONS}); 1 anything else, a failure of
 * the file system or of the run, or a bug (one line; the stack trace with {@code --verbose}).
 */
public final class Main {

    /** Exit code of a usage error. */
    public static final int USAGE = 2;
    /** Exit code of a failure while running a valid command. */
    public static final int FAILURE = 1;

    private Main() {}

    public static void main(String[] args) {
        // The plots are drawn off screen; never try to reach a display.
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs one command line with the given streams and returns its exit code (never exits). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            err.println("gradlab: java " + Runtime.version() + " in " + System.getProperty("java.home") + ", chosen by "
                    + jdkChoice());
            err.flush();
        }
        try {
            return commandLine(out, err, args.length > 0 ? args[0] : null).execute(args);
        } catch (OutOfMemoryError e) {
            // What the size checks did not foresee; the heap is free again once the command's objects are gone.
            err.println(commandName(args) + ": out of memory (" + e.getMessage() + "; maximum heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB): use smaller sizes, or give the JVM more"
                    + " with -Xmx (GRADLAB_OPTS=-Xmx4g for ./gradlab)");
            err.flush();
            return FAILURE;
        } catch (ExceptionInInitializerError e) {
            // A class that cannot start, e.g. the thread pool given -Dgradlab.threads=abc.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println(commandName(args) + ": " + describe(cause));
            err.flush();
            return FAILURE;
        }
    }

    /**
     * Why this JVM runs gradlab: what the {@code gradlab} launcher says it chose (JAVA_HOME, the
     * default java, or the newest JDK 21+ when the default is older), or the command line that started it.
     */
    static String jdkChoice() {
        return System.getProperty("gradlab.jdk", "the java command that started it (not the gradlab launcher)");
    }

    private static String commandName(String[] args) {
        return args.length > 0 && commands().contains(args[0]) ? "gradlab " + args[0] : "gradlab";
    }

    /** The commands' names, in the order of {@code gradlab --help}. */
    static java.util.List<String> commands() {
        return GradlabCommand.COMMANDS.stream().map(Main::name).toList();
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(CommandLine.Command.class).name();
    }

    /**
     * The configured command line, with gradlab's error handling, writing to the given streams, with
     * only the command {@code first} names when a command line starts with one (but help, which shows
     * the others), else with all: a command starts sooner when picocli does not read the options of
     * every other.
     */
    private static CommandLine commandLine(PrintWriter out, PrintWriter err, String first) {
        boolean one = first != null && !first.equals("help") && commands().contains(first);
        CommandLine cli = new CommandLine(new GradlabCommand());
        for (Class<?> command : GradlabCommand.COMMANDS) {
            if (!one || name(command).equals(first)) {
                cli.addSubcommand(command);
            }
        }
        cli.setOut(out);
        cli.setErr(err);
        Choices.register(cli);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::failure);
        return cli;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = e.getMessage();
        if (cmd.getParent() == null
                && e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "': expected one of "
                    + String.join(", ", commands());
        }
        return usageError(cmd, message);
    }

    private static int usageError(CommandLine cmd, String message) {
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + oneLine(message) + " (see " + name + " --help)");
        cmd.getErr().flush();
        return USAGE;
    }

    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof Usage.UsageException) {
            return usageError(cmd, e.getMessage());
        }
        if (e instanceof InvalidSettingException s) {
            String option = Usage.OPTIONS.get(s.setting());
            if (option != null && cmd.getCommandSpec().findOption(option) != null) {
                return usageError(cmd, "Invalid value for option '" + option + "': " + s.problem());
            }
        }
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** True when {@code --verbose} was given to the command or any of its parents. */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The exception's own message, or its type when it has none; causes add their message. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getMessage();
        if (e instanceof java.io.UncheckedIOException && e.getCause() != null) {
            return describe(e.getCause());
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            String what = e instanceof java.nio.file.AccessDeniedException
                    ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException
                            ? "already exists (expected a directory or nothing)"
                            : f.getReason() != null
                                    ? f.getReason()
                                    : e.getClass().getSimpleName();
            return oneLine(f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what);
        }
        if (e instanceof java.io.IOException) {
            // Many I/O exceptions carry only a path as their message; the type says what went wrong.
            message = e.getClass().getSimpleName() + ": " + message;
        }
        return oneLine(message);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}

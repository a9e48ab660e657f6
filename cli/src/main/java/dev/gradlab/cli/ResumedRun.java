package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.optim.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code gradlab train --resume RUN_DIR}: the run's settings are its original command line, kept in
 * the checkpoint, followed by the options given with {@code --resume} (the later value of an option
 * wins); they are parsed into a fresh {@link TrainCommand}, which trains from the checkpoint into
 * RUN_DIR, up to the checkpoint's total of epochs or the new {@code --epochs}.
 */
final class ResumedRun {

    /** Options that may accompany --resume; every other setting comes from the checkpoint. */
    private static final Set<String> ALLOWED = Set.of("--resume", "--epochs", "--threads", "--progress", "--verbose");
    /** Options that do not change what a run computes, left out of the settings kept (the value's count). */
    private static final Map<String, Integer> NOT_KEPT =
            Map.of("--threads", 1, "--progress", 0, "--no-progress", 0, "--verbose", 0);

    private ResumedRun() {}

    /**
     * The checkpoint's entries that let a run be resumed: the command line (with {@code --data DIR}
     * made absolute), the total of epochs, and what the data files were ({@code data_files}), if the
     * data is a directory of one's own.
     */
    static Map<String, String> settings(CommandSpec spec, int epochs, String dataFiles) {
        // The whole command line, from which the command's own arguments are those after its name.
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        List<String> given =
                spec.commandLine().getParent() == null ? all : all.subList(all.indexOf(spec.name()) + 1, all.size());
        List<String> args = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i);
            if (a.contains("\n")) {
                throw Usage.error("arguments must not contain line breaks, got '" + a + "'");
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (NOT_KEPT.containsKey(name)) {
                i += a.contains("=") ? 0 : NOT_KEPT.get(name);
            } else if (name.equals("--data")) {
                String value =
                        a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < given.size() ? given.get(++i) : "";
                args.addAll(List.of("--data", DataOptions.absolute(value)));
            } else {
                args.add(a);
            }
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("args", String.join("\n", args));
        info.put("epochs", Integer.toString(epochs));
        if (dataFiles != null) {
            info.put("data_files", dataFiles);
        }
        return info;
    }

    /** Resumes the run {@code command} names with {@code --resume}; returns the exit code. */
    static int resume(TrainCommand command) throws IOException {
        CommandLine cli = command.spec.commandLine();
        for (var option : cli.getParseResult().matchedOptions()) {
            if (!ALLOWED.contains(option.longestName())) {
                throw new ParameterException(
                        cli,
                        "option '" + option.longestName() + "' does not apply with --resume:"
                                + " the run's settings come from its checkpoint");
            }
        }
        Path file = command.resume.resolve(Checkpoint.FILE_NAME);
        Checkpoint checkpoint = Checkpoint.read(file);
        String args = checkpoint.info().get("args");
        String total = checkpoint.info().get("epochs");
        if (args == null || total == null) {
            throw new ModelFormatException(file
                    + ": at byte 8: was not written by gradlab train: __metadata__ has no 'args' and 'epochs' entries");
        }
        List<String> argv = new ArrayList<>(args.isEmpty() ? List.of() : List.of(args.split("\n", -1)));
        argv.addAll(List.of("--epochs", command.epochs != null ? command.epochs.toString() : total));
        if (command.run.threads.threads != null) {
            argv.addAll(List.of("--threads", command.run.threads.threads.toString()));
        }
        if (command.progress != null) {
            argv.add(command.progress ? "--progress" : "--no-progress");
        }
        TrainCommand original = new TrainCommand();
        CommandLine parser = new CommandLine(original);
        Choices.register(parser);
        parser.setOverwrittenOptionsAllowed(true);
        parser.setOut(cli.getOut());
        parser.setErr(cli.getErr());
        parser.parseArgs(argv.toArray(String[]::new));

        if (original.epochs < checkpoint.epoch()) {
            throw new ParameterException(
                    cli,
                    "Invalid value for option '--epochs': must be at least the " + checkpoint.epoch()
                            + " epochs already done in " + command.resume + ", got " + original.epochs);
        }
        // A run that did all its epochs and committed is finished; one stopped before its commit is completed.
        boolean committed = !Files.exists(command.resume.resolve(RunDirectory.INCOMPLETE))
                && Files.exists(command.resume.resolve(ModelFile.FILE_NAME));
        if (original.epochs == checkpoint.epoch() && committed) {
            throw new ParameterException(
                    cli,
                    "Invalid value for option '--epochs': the run in " + command.resume
                            + " has finished its " + Text.count(checkpoint.epoch(), "epoch")
                            + "; give --epochs larger than "
                            + checkpoint.epoch() + " to train it further");
        }
        String kept = checkpoint.info().get("data_files");
        String now = original.data.files();
        if (kept != null && !kept.equals(now)) {
            throw new IllegalStateException("the data in " + original.data.data + " changed since " + file
                    + " was written: it held " + kept + ", it holds " + now + "; the run cannot resume on other data");
        }
        return original.train(checkpoint, command.resume);
    }
}

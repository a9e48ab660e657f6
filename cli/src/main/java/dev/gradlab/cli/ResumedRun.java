package dev.gradlab.cli;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.optim.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code gradlab train --resume RUN_DIR}: the run's settings are its original command line, kept in
 * the checkpoint; they are parsed again into a fresh {@link TrainCommand}, which trains from the
 * checkpoint into RUN_DIR, up to the checkpoint's total of epochs or the new {@code --epochs}.
 */
final class ResumedRun implements Callable<Integer> {

    /** Options that may accompany --resume; every other setting comes from the checkpoint. */
    private static final Set<String> ALLOWED = Set.of("--resume", "--epochs", "--threads", "--progress", "--verbose");

    private final TrainCommand original;
    private final Checkpoint checkpoint;

    private ResumedRun(TrainCommand original, Checkpoint checkpoint) {
        this.original = original;
        this.checkpoint = checkpoint;
    }

    /** The checkpoint's entries that let a run be resumed: the command line and the total of epochs. */
    static Map<String, String> settings(CommandSpec spec, int epochs) {
        // The whole command line, from which the command's own arguments are those after its name.
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        List<String> args = spec.commandLine().getParent() == null ? all
                : all.subList(all.indexOf(spec.name()) + 1, all.size());
        for (String a : args) {
            if (a.contains("\n")) {
                throw Usage.error("arguments must not contain line breaks, got '" + a + "'");
            }
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("args", String.join("\n", args));
        info.put("epochs", Integer.toString(epochs));
        return info;
    }

    static ResumedRun of(TrainCommand command) throws IOException {
        CommandLine cli = command.spec.commandLine();
        for (var option : cli.getParseResult().matchedOptions()) {
            if (!ALLOWED.contains(option.longestName())) {
                throw new ParameterException(cli, "option '" + option.longestName() + "' does not apply with --resume:"
                        + " the run's settings come from its checkpoint");
            }
        }
        Checkpoint checkpoint = Checkpoint.read(command.resume.resolve(Checkpoint.FILE_NAME));
        String args = checkpoint.info().get("args");
        String total = checkpoint.info().get("epochs");
        if (args == null || total == null) {
            throw new ModelFormatException(command.resume.resolve(Checkpoint.FILE_NAME)
                    + ": at byte 8: was not written by gradlab train: __metadata__ has no 'args' and 'epochs' entries");
        }
        TrainCommand original = new TrainCommand();
        CommandLine parser = new CommandLine(original);
        Choices.register(parser);
        parser.setOut(cli.getOut());
        parser.setErr(cli.getErr());
        parser.parseArgs(args.isEmpty() ? new String[0] : args.split("\n", -1));
        original.epochs = command.epochs != null ? command.epochs : Integer.valueOf(total);
        if (original.epochs < checkpoint.epoch()) {
            throw new ParameterException(cli, "Invalid value for option '--epochs': must be at least the "
                    + checkpoint.epoch() + " epochs already done in " + command.resume + ", got " + original.epochs);
        }
        // A run that did all its epochs and committed is finished; one stopped before its commit is completed.
        boolean committed = !Files.exists(command.resume.resolve(RunDirectory.INCOMPLETE))
                && Files.exists(command.resume.resolve(ModelFile.FILE_NAME));
        if (original.epochs == checkpoint.epoch() && committed) {
            throw new ParameterException(cli, "Invalid value for option '--epochs': the run in " + command.resume
                    + " has finished its " + Text.count(checkpoint.epoch(), "epoch") + "; give --epochs larger than "
                    + checkpoint.epoch() + " to train it further");
        }
        original.run.out.out = command.resume;   // writes into the run's own directory, as it is
        original.resume = command.resume;
        original.progress = command.progress;
        original.run.threads.threads = command.run.threads.threads;
        return new ResumedRun(original, checkpoint);
    }

    @Override
    public Integer call() throws IOException {
        return original.train(checkpoint, original.resume);
    }
}

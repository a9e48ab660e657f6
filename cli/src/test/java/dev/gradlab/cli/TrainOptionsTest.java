package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The methods' option tables, and the library's refusals as usage errors naming the option. */
class TrainOptionsTest {

    @Test
    void everyOptionAMethodTakesIsAnOptionOfTrain() {
        var spec = new CommandLine(new TrainCommand()).getCommandSpec();
        for (String option : Method.Options.ALL) {
            assertNotNull(spec.findOption(option), option);
        }
    }

    @Test
    void anOptionIsRefusedByEveryMethodThatDoesNotTakeIt() {
        for (Method method : Method.values()) {
            for (String option : Method.Options.ALL) {
                if (method.options.contains(option)) {
                    continue;
                }
                var e = org.junit.jupiter.api.Assertions.assertThrows(
                        Usage.UsageException.class, () -> method.check(List.of(option)));
                assertEquals("option '" + option + "' does not apply to --method " + method, e.getMessage());
            }
        }
    }

    @Test
    void theLibrarysRefusalsAreUsageErrorsThatNameTheOption() {
        Map<List<String>, String> cases = Map.of(
                List.of("--method", "es", "--sigma", "0"),
                        "Invalid value for option '--sigma': must be finite and > 0, got 0.0",
                List.of("--method", "fd", "--population", "0"),
                        "Invalid value for option '--population': must be >= 1, got 0",
                List.of("--method", "ga", "--elites", "0"), "Invalid value for option '--elites': must be >= 1, got 0",
                List.of("--lr", "-1"), "Invalid value for option '--lr': must be finite and >= 0.0, got -1.0",
                List.of("--momentum", "-1"),
                        "Invalid value for option '--momentum': must be finite and >= 0.0, got -1.0",
                List.of("--threads", "0"), "Invalid value for option '--threads': must be in [1, 256], got 0",
                List.of("--batch", "0"), "Invalid value for option '--batch': must be >= 1, got 0",
                List.of("--max-loss", "-3"), "Invalid value for option '--max-loss': must be > 0");
        for (var c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--hidden", "4"));
            args.addAll(c.getKey());
            Run run = Run.of(args.toArray(String[]::new));
            assertEquals(Main.USAGE, run.exitCode(), c.getKey() + ": " + run.err());
            assertTrue(run.err().startsWith("gradlab train: " + c.getValue()), run.err());
            assertTrue(run.err().strip().endsWith("(see gradlab train --help)"), run.err());
            assertEquals("", run.out());
        }
    }

    @Test
    void everySettingOfTheTableIsSetByAnOptionOfACommand() {
        var train = new CommandLine(new TrainCommand()).getCommandSpec();
        var minimize = new CommandLine(new MinimizeCommand()).getCommandSpec();
        var worker = new CommandLine(new WorkerCommand()).getCommandSpec();
        for (var e : Usage.OPTIONS.entrySet()) {
            var option = java.util.stream.Stream.of(train, minimize, worker)
                    .map(c -> c.findOption(e.getValue()))
                    .filter(java.util.Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            assertNotNull(option, e.getKey() + " -> " + e.getValue());
        }
    }
}

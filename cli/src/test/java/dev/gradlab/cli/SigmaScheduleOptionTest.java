package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --method es --sigma-schedule}: applied, named, and refused where it cannot work. */
class SigmaScheduleOptionTest {

    @TempDir
    Path dir;

    private Run es(String out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--method",
                "es",
                "--hidden",
                "8",
                "--population",
                "4",
                "--epochs",
                "3",
                "--out",
                dir.resolve(out).toString(),
                "--no-progress"));
        args.addAll(List.of(more));
        return Run.of(args.toArray(String[]::new));
    }

    @Test
    void aScheduledSigmaChangesTheWeightsAndTheRunNamesIt() throws IOException {
        Run plain = es("plain");
        Run scheduled = es("scheduled", "--sigma-schedule", "cosine:3:0.01");
        assertEquals(0, plain.exitCode(), plain.err());
        assertEquals(0, scheduled.exitCode(), scheduled.err());
        String header = scheduled.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("sigma=0.05") && header.contains(" sigma schedule cosine:3:0.01"), header);
        // The same seeds and settings: only the schedule can make the weights differ.
        assertFalse(Arrays.equals(
                Files.readAllBytes(dir.resolve("plain").resolve("model.safetensors")),
                Files.readAllBytes(dir.resolve("scheduled").resolve("model.safetensors"))));
        Run none = es("none", "--sigma-schedule", "none");
        assertEquals(
                Files.readString(dir.resolve("plain").resolve("metrics.csv"))
                        .lines()
                        .map(l -> l.split(",")[3])
                        .toList(),
                Files.readString(dir.resolve("none").resolve("metrics.csv"))
                        .lines()
                        .map(l -> l.split(",")[3])
                        .toList(),
                none.err());
    }

    @Test
    void scheduleErrorsAreUsageErrorsNamingTheOption() {
        Run zero = es("zero", "--sigma-schedule", "step:1:0");
        assertEquals(Main.USAGE, zero.exitCode());
        assertTrue(
                zero.err()
                        .contains("Invalid value for option '--sigma-schedule': must keep sigma finite and > 0,"
                                + " got 0.0 at epoch 2 from sigma 0.05"),
                zero.err());
        Run malformed = es("malformed", "--sigma-schedule", "cosine:x");
        assertEquals(Main.USAGE, malformed.exitCode());
        assertTrue(malformed.err().contains("'--sigma-schedule': must be none, step:STEP:GAMMA"), malformed.err());
        for (String method : List.of("backprop", "fd", "ga")) {
            Run other = Run.of("train", "--method", method, "--sigma-schedule", "step:1:0.5");
            assertEquals(Main.USAGE, other.exitCode());
            assertTrue(
                    other.err().contains("option '--sigma-schedule' does not apply to --method " + method),
                    other.err());
        }
        assertFalse(Files.exists(dir.resolve("zero")) || Files.exists(dir.resolve("malformed")));
    }
}

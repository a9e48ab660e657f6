package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code train --epochs 4} against {@code train --epochs 2} and then {@code --resume} to 4: the same bytes. */
class ResumeTest {

    @TempDir
    Path dir;

    private static Run train(Path out, String method, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--method", method, "--hidden", "8", "--shuffle",
                "--out", out.toString(), "--no-progress"));
        if (!method.equals("backprop")) {
            args.addAll(List.of("--population", "4"));
        }
        args.addAll(List.of(more));
        Run run = Run.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"backprop", "es"})
    void aResumedRunWritesTheSameModelFileAsAnUninterruptedOne(String method) throws IOException {
        Path straight = dir.resolve("straight");
        Run four = train(straight, method, "--epochs", "4");
        Path stopped = dir.resolve("stopped");
        train(stopped, method, "--epochs", "2");

        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "4", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(!resumed.out().contains("Epoch 2,") && resumed.out().contains("Epoch 3,"), resumed.out());
        assertEquals(four.lastLine(), resumed.lastLine());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
        List<String> csv = Files.readAllLines(stopped.resolve("metrics.csv"));
        assertEquals(5, csv.size(), csv.toString());
        assertTrue(csv.get(4).startsWith("4,"), csv.toString());
    }

    @Test
    void aResumedRunWithASigmaScheduleWritesTheSameModelFileAsAnUninterruptedOne() throws IOException {
        Path straight = dir.resolve("straight");
        train(straight, "es", "--epochs", "4", "--sigma-schedule", "step:1:0.5");
        Path stopped = dir.resolve("stopped");
        train(stopped, "es", "--epochs", "2", "--sigma-schedule", "step:1:0.5");
        // The checkpoint keeps the sigma of the last epoch done: 0.05 · 0.5.
        assertEquals(0.025f, dev.gradlab.optim.Checkpoint.read(stopped.resolve("checkpoint.safetensors"))
                .estimator().get("sigma").floatValue());

        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "4", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().lines().findFirst().orElseThrow().contains(" sigma schedule step:1:0.5"), resumed.out());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
    }

    @Test
    void resumeTakesItsSettingsFromTheCheckpoint() {
        Path run = dir.resolve("run");
        train(run, "backprop", "--epochs", "1");
        Run extra = Run.of("train", "--resume", run.toString(), "--lr", "0.5");
        assertEquals(2, extra.exitCode(), extra.err());
        assertTrue(extra.err().contains("option '--lr' does not apply with --resume"), extra.err());
        Run more = Run.of("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        Run missing = Run.of("train", "--resume", dir.resolve("none").toString());
        assertEquals(1, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM stopped before a run's first checkpoint removes the run's hidden directory, without an
 * error; one stopped later moves it to the target with the checkpoint of the last finished epoch.
 */
class ShutdownTest {

    @TempDir
    Path dir;

    @Test
    void aJvmStoppedBeforeTheFirstCheckpointLeavesNothing() throws IOException, InterruptedException {
        String output = java(0, ShutdownDuringRun.class, dir.resolve("run").toString());
        assertFalse(output.contains("Exception"), output);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void aJvmStoppedMidRunLeavesTheCheckpointOfTheLastFinishedEpoch() throws IOException, InterruptedException {
        Path run = dir.resolve("run");
        // Stopped as epoch 30's line is printed: 29 epochs are finished, their checkpoints written off the
        // training thread. Epochs of two images take less time than writing the 784-512-10 network's
        // checkpoint, so the last one is still waiting, or being written, when the JVM stops.
        String output = java(
                143,
                StopDuringTraining.class,
                "30",
                "train",
                "--data",
                ResumeTest.idx(dir.resolve("data"), 2).toString(),
                "--batch",
                "2",
                "--epochs",
                "60",
                "--threads",
                "1",
                "--out",
                run.toString());
        assertFalse(output.contains("Exception"), output);
        assertTrue(Files.exists(run.resolve(RunDirectory.INCOMPLETE)), output);
        assertEquals(29, Checkpoint.read(run.resolve(Checkpoint.FILE_NAME)).epoch());
        assertFalse(Files.exists(dir.resolve(".run.lock")), "the run's lock file is left behind");
    }

    /** Runs {@code main} in a new JVM on the test class path; returns its output, after checking its exit code. */
    private static String java(int exitCode, Class<?> main, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exitCode, p.waitFor(), output);
        return output;
    }
}

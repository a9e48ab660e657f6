package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs never lose another run's files: locks, finished runs, leftovers, symlinks, long names, duplicates. */
class RunSafetyTest {

    @TempDir
    Path dir;

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Run train(Path out, String... more) {
        List<String> args =
                new ArrayList<>(List.of("train", "--hidden", "8", "--out", out.toString(), "--no-progress"));
        args.addAll(List.of(more));
        return Run.of(args.toArray(String[]::new));
    }

    private static void assertFails(Run run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), run.err());
        }
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aRunDirectoryHeldByAnotherRunIsRefusedAndKept() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, train(out, "--epochs", "1").exitCode());
        byte[] model = Files.readAllBytes(out.resolve(ModelFile.FILE_NAME));
        try (RunDirectory.Lock held = RunDirectory.lock(out)) {
            assertFails(train(out, "--epochs", "1", "--overwrite"), 1, out.toString(), "another run");
            assertFails(
                    Run.of("train", "--resume", out.toString(), "--epochs", "2", "--no-progress"),
                    1,
                    out.toString(),
                    "another run");
            assertEquals(0, train(dir.resolve("run2"), "--epochs", "1").exitCode(), "another directory is free");
        }
        assertArrayEquals(model, Files.readAllBytes(out.resolve(ModelFile.FILE_NAME)));
        assertEquals(List.of("run", "run2"), listing(dir), "no lock file or hidden directory left");
        assertEquals(0, train(out, "--epochs", "1", "--overwrite").exitCode(), "the lock is released");
        assertEquals(List.of("run", "run2"), listing(dir));
    }

    @Test
    void aFinishedRunIsNotResumedButAnUncommittedFinishedOneIsCompleted() throws IOException {
        Path out = dir.resolve("run");
        Run first = train(out, "--epochs", "2");
        assertEquals(0, first.exitCode(), first.err());
        byte[] model = Files.readAllBytes(out.resolve(ModelFile.FILE_NAME));

        assertFails(Run.of("train", "--resume", out.toString(), "--no-progress"), 2, "--epochs", "2 epochs");
        assertFails(Run.of("train", "--resume", out.toString(), "--epochs", "2", "--no-progress"), 2, "larger than 2");
        assertArrayEquals(model, Files.readAllBytes(out.resolve(ModelFile.FILE_NAME)));

        // All epochs done, stopped before the commit: the resume completes it without training.
        Files.delete(out.resolve(ModelFile.FILE_NAME));
        Files.writeString(out.resolve(RunDirectory.INCOMPLETE), "stopped\n");
        Run completed = Run.of("train", "--resume", out.toString(), "--no-progress");
        assertEquals(0, completed.exitCode(), completed.err());
        assertEquals(first.lastLine(), completed.lastLine());
        assertFalse(completed.out().contains("Epoch "), completed.out());
        assertArrayEquals(model, Files.readAllBytes(out.resolve(ModelFile.FILE_NAME)));
        assertFalse(Files.exists(out.resolve(RunDirectory.INCOMPLETE)));
        assertEquals(3, Files.readAllLines(out.resolve(MetricsCsv.FILE_NAME)).size());
    }

    @Test
    void hiddenDirectoriesOfKilledRunsAreReportedAndRemoved() throws IOException {
        Path stale = Files.createDirectories(dir.resolve(".run.1234567"));
        Files.writeString(stale.resolve(MetricsCsv.FILE_NAME), MetricsCsv.HEADER + "\n");
        Path other = Files.createDirectories(dir.resolve(".runner.7654321"));
        Run run = train(dir.resolve("run"), "--epochs", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains(stale.toString()), run.err());
        assertEquals(List.of(".runner.7654321", "run"), listing(dir), "only the run's own leftovers go");
        assertTrue(Files.isDirectory(other));
    }

    @Test
    void aKilledRunWithACheckpointIsMovedToItsDirectoryForResume() throws IOException {
        Path done = dir.resolve("done");
        assertEquals(0, train(done, "--epochs", "1").exitCode());
        Files.delete(done.resolve(ModelFile.FILE_NAME));
        Files.move(done, dir.resolve(".run.42"));
        Path out = dir.resolve("run");
        Run run = train(out, "--epochs", "1");
        assertFails(run, 2, "--resume " + out);
        assertEquals(List.of("run"), listing(dir));
        assertTrue(Files.exists(out.resolve(RunDirectory.INCOMPLETE)));
        Run resumed = Run.of("train", "--resume", out.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
    }

    @Test
    void aSymbolicLinkAsOutIsRefused() throws IOException {
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertFails(train(dangling, "--epochs", "1"), 2, "--out", "symbolic link");
        Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
        assertFails(train(loop, "--epochs", "1"), 2, "--out", "symbolic link");

        Path real = dir.resolve("real");
        assertEquals(0, train(real, "--epochs", "1").exitCode());
        byte[] model = Files.readAllBytes(real.resolve(ModelFile.FILE_NAME));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertFails(train(link, "--epochs", "1", "--overwrite"), 2, "--out", "symbolic link");
        assertArrayEquals(model, Files.readAllBytes(real.resolve(ModelFile.FILE_NAME)));
        assertEquals(List.of("dangling", "link", "loop", "real"), listing(dir));
    }

    @Test
    void theRootIsNoRunDirectory() {
        assertFails(Run.of("train", "--out", "/", "--epochs", "1"), 2, "'--out': / is the root directory");
        assertFails(Run.of("train", "--resume", "/"), 2, "'--resume': / is the root directory");
    }

    @Test
    void aNameAtTheFileSystemsLimitStillRuns() throws IOException {
        Path out = dir.resolve("n".repeat(250));
        Run run = train(out, "--epochs", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(out.getFileName().toString()), listing(dir));
        assertTrue(Files.exists(out.resolve(ModelFile.FILE_NAME)));
    }

    @Test
    void compareRefusesAMethodNamedTwice() throws IOException {
        Path out = dir.resolve("compare");
        Run run = Run.of(
                "compare", "--methods", "backprop,backprop", "--epochs", "1", "--hidden", "8", "--out", out.toString());
        assertFails(run, 2, "--methods", "backprop");
        assertEquals("", run.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void compareReportsAsItselfNotAsTrain() {
        Run run = Run.of(
                "compare",
                "--methods",
                "backprop",
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--threads",
                "0",
                "--out",
                dir.resolve("compare").toString());
        assertFails(run, 2, "--threads");
        assertTrue(run.err().startsWith("gradlab compare: "), run.err());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.optim.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run that never commits leaves: nothing before its first checkpoint, a resumable run after. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    private List<String> listing(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRunStoppedBeforeItsFirstCheckpointLeavesNothing() throws IOException {
        Path target = dir.resolve("run");
        try (RunDirectory run = RunDirectory.open(target)) {
            Files.writeString(run.path().resolve(MetricsCsv.FILE_NAME), "epoch\n");
        }
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void aRunStoppedAfterACheckpointIsKeptMarkedIncomplete() throws IOException {
        Path target = dir.resolve("run");
        try (RunDirectory run = RunDirectory.open(target)) {
            Files.writeString(run.path().resolve(MetricsCsv.FILE_NAME), "epoch\n1\n");
            Files.writeString(run.path().resolve(Checkpoint.FILE_NAME), "a checkpoint");
        }
        assertEquals(List.of("run"), listing(dir), "no hidden directory is left beside it");
        assertEquals(List.of(RunDirectory.INCOMPLETE, Checkpoint.FILE_NAME, MetricsCsv.FILE_NAME), listing(target));
        assertTrue(Files.readString(target.resolve(RunDirectory.INCOMPLETE)).contains("--resume " + target));
    }

    @Test
    void aCommittedRunHasNoMarker() throws IOException {
        Path target = dir.resolve("run");
        try (RunDirectory run = RunDirectory.open(target)) {
            Files.writeString(run.path().resolve(Checkpoint.FILE_NAME), "a checkpoint");
            run.commit();
        }
        assertFalse(Files.exists(target.resolve(RunDirectory.INCOMPLETE)));
        assertEquals(List.of(Checkpoint.FILE_NAME), listing(target));
    }
}

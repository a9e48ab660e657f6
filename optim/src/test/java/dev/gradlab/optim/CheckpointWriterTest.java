package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written off the training thread still hold the last finished epoch when a run ends or fails. */
class CheckpointWriterTest {

    @TempDir
    Path dir;

    private static Trainer.Builder trainer(int epochs, Path file) {
        Sequential model = Fixtures.wide();
        return Trainer.builder()
                .model(model)
                .estimator(new Backprop())
                .optimizer(new Sgd(model.parameters(), 0.05f, 0.9f))
                .train(new Dataset(Fixtures.inputs(60, 100, 1).data().clone(), Fixtures.labels(60, 10, 2), 100, 10))
                .epochs(epochs)
                .batchSize(20)
                .seed(5)
                .checkpoint(file, Map.of());
    }

    @Test
    void aRunThatFailsLeavesTheCheckpointOfItsLastFinishedEpoch() throws IOException {
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        IllegalStateException stop = new IllegalStateException("stopped by the test");
        Trainer.Builder b = trainer(50, file).listener(new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                if (m.epoch() == 29) {
                    throw stop; // before epoch 30's checkpoint: 29 epochs are finished
                }
            }
        });
        assertSame(
                stop, assertThrows(IllegalStateException.class, () -> b.build().run()));
        assertEquals(29, Checkpoint.read(file).epoch());
        assertEquals(List.of(Checkpoint.FILE_NAME), names(), "no temporary file is left");
    }

    @Test
    void theLastSnapshotSubmittedIsOnDiskAfterAFlush() throws IOException {
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint first = Checkpoint.read(run(1));
        try (CheckpointWriter writer = new CheckpointWriter(file)) {
            for (int epoch = 1; epoch <= 40; epoch++) {
                writer.submit(new Checkpoint(
                        first.parameters(),
                        first.optimizer(),
                        epoch,
                        epoch * 3L,
                        0,
                        0,
                        0,
                        Map.of("epoch", "" + epoch)));
            }
            writer.flush();
            assertEquals(40, Checkpoint.read(file).epoch());
            assertEquals(Map.of("epoch", "40"), Checkpoint.read(file).info());
        }
    }

    @Test
    void aCheckpointThatCannotBeWrittenFailsTheRunNamingTheFile() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Path file = notADirectory.resolve(Checkpoint.FILE_NAME);
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class, () -> trainer(3, file).build().run());
        assertTrue(e.getMessage().startsWith("cannot write checkpoint " + file + ": "), e.getMessage());
    }

    private Path run(int epochs) {
        Path file = dir.resolve("first");
        trainer(epochs, file).build().run();
        return file;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

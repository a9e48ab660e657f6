package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.io.AtomicFile;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static Dataset data() {
        return data(60);
    }

    private static Dataset data(int rows) {
        return new Dataset(Fixtures.inputs(rows, 100, 1).data().clone(), Fixtures.labels(rows, 10, 2), 100, 10);
    }

    /** Trains {@code epochs} epochs, from {@code resume} when given, checkpointing to {@code file}. */
    private static float[] train(boolean es, int epochs, Checkpoint resume, Path file) {
        Sequential model = Fixtures.wide();
        Optimizer<?> optimizer = es ? new Adam(model.parameters(), 0.01f) : new Sgd(model.parameters(), 0.05f, 0.9f);
        GradientEstimator estimator = es
                ? EvolutionStrategies.builder()
                        .population(8)
                        .sigma(0.05f)
                        .antithetic(true)
                        .rankShaping(true)
                        .seed(4)
                        .build()
                : new Backprop();
        Trainer.Builder b = Trainer.builder()
                .model(model)
                .estimator(estimator)
                .optimizer(optimizer)
                .train(data())
                .epochs(epochs)
                .batchSize(25)
                .seed(5)
                .lrSchedule(LrSchedule.step(1, 0.7))
                .checkpoint(file, Map.of("run", "test"));
        if (resume != null) {
            b.resumeFrom(resume);
        }
        b.build().run();
        return Parameters.flatten(model.parameters());
    }

    @Test
    void resumingAfterTwoEpochsEndsBitForBitWhereFourStraightEpochsEnd() throws IOException {
        for (boolean es : new boolean[] {false, true}) {
            float[] straight = train(es, 4, null, dir.resolve("straight-" + es));
            Path file = dir.resolve("stopped-" + es);
            float[] half = train(es, 2, null, file);
            Checkpoint c = Checkpoint.read(file);
            assertEquals(2, c.epoch());
            assertEquals(6, c.step(), "3 batches per epoch");
            assertEquals(Map.of("run", "test"), c.info());
            assertArrayEquals(
                    half,
                    Parameters.flatten(c.parameters().stream()
                            .map(p -> dev.gradlab.core.Tensor.of(p, p.length))
                            .toList()));
            float[] resumed = train(es, 4, c, file);
            assertArrayEquals(straight, resumed, es ? "es" : "backprop");
            assertEquals(4, Checkpoint.read(file).epoch());
        }
    }

    /** The example of docs/optim.md. */
    @Test
    void theDocumentedExampleRuns() throws IOException {
        Sequential model = Fixtures.wide();
        var es = EvolutionStrategies.builder().population(4).seed(1).build();
        var adam = new Adam(model.parameters(), 0.01f);
        Dataset train = data(100);
        Trainer.Builder run = Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(adam)
                .train(train)
                .epochs(4)
                .seed(5)
                .checkpoint(dir.resolve(Checkpoint.FILE_NAME), Map.of());
        run.build().run(); // a later process, same settings:
        run.resumeFrom(Checkpoint.read(dir.resolve(Checkpoint.FILE_NAME)))
                .epochs(8)
                .build()
                .run();
        assertEquals(8, Checkpoint.read(dir.resolve(Checkpoint.FILE_NAME)).epoch());
    }

    /** The example of the README. */
    @Test
    void theReadmeExampleRuns() throws IOException {
        var architecture = dev.gradlab.core.model.Architecture.of(
                100, new int[] {8}, 10, dev.gradlab.core.model.Activation.RELU, true);
        Sequential model = architecture.build(1);
        var data = new dev.gradlab.data.DataSplit(data(100), data(100));
        var adam = new Adam(model.parameters(), 0.01f); // or Sgd, AdamW
        adam.paramGroups().get(0).setWeightDecay(1e-4); // per group, between steps
        Trainer.builder()
                .model(model)
                .optimizer(adam)
                .train(data.train())
                .epochs(30)
                .lrSchedule(LrSchedule.warmup(5).then(LrSchedule.cosine(30, 0))) // as lr_scheduler
                .checkpoint(dir.resolve(Checkpoint.FILE_NAME), Map.of()) // every epoch, atomically
                .build()
                .run();
        dev.gradlab.core.model.ModelFile.save(dir.resolve("model.safetensors"), architecture, model, Map.of());
        assertEquals(30, Checkpoint.read(dir.resolve(Checkpoint.FILE_NAME)).epoch());
        assertArrayEquals(
                Parameters.flatten(model.parameters()),
                Parameters.flatten(dev.gradlab.core.model.ModelFile.load(dir.resolve("model.safetensors"))
                        .model()
                        .parameters()));
    }

    @Test
    void aCheckpointKeepsTheOptimizerStateExactly() throws IOException {
        Sequential model = Fixtures.tiny();
        Adam adam = new Adam(model.parameters(), 0.01f);
        Trainer.builder()
                .model(model)
                .optimizer(adam)
                .train(new Dataset(Fixtures.inputs(20, 6, 1).data().clone(), Fixtures.labels(20, 3, 2), 6, 3))
                .epochs(1)
                .batchSize(10)
                .build()
                .run();
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint.of(model, adam, new Backprop(), 1, 2, 2, 0, 0, Map.of()).write(file);
        StateDict back = Checkpoint.read(file).optimizer();
        StateDict original = adam.stateDict();
        assertEquals(original.paramGroups(), back.paramGroups());
        assertEquals(original.state().keySet(), back.state().keySet());
        for (var e : original.state().entrySet()) {
            assertEquals(e.getValue().step(), back.state().get(e.getKey()).step());
            for (var b : e.getValue().buffers().entrySet()) {
                assertArrayEquals(
                        b.getValue(), back.state().get(e.getKey()).buffers().get(b.getKey()));
            }
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileAndNoPart() throws IOException {
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Files.writeString(file, "previous");
        var e = assertThrows(
                IOException.class,
                () -> AtomicFile.write(file, out -> {
                    out.write(new byte[1000]);
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals("previous", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void resumingPastTheTotalIsRejected() {
        Function<Integer, Trainer.Builder> trainer = epochs -> {
            Sequential model = Fixtures.tiny();
            return Trainer.builder()
                    .model(model)
                    .optimizer(new Sgd(model.parameters(), 0.1f, 0f))
                    .train(data(100))
                    .epochs(epochs);
        };
        Checkpoint c = new Checkpoint(
                java.util.List.of(), new StateDict(java.util.List.of(), Map.of()), 3, 9, 9, 0, 0, Map.of());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> trainer.apply(2).resumeFrom(c).build());
        assertEquals("epochs must be at least the checkpoint's 3 epochs done, got 2", e.getMessage());
        assertFalse(e.getMessage().isEmpty());
        assertTrue(trainer.apply(3).resumeFrom(c).build() != null);
    }

    /** A checkpoint of {@link Fixtures#tiny()} after one epoch of Adam, as bytes. */
    private byte[] tinyCheckpoint() throws IOException {
        Sequential model = Fixtures.tiny();
        Adam adam = new Adam(model.parameters(), 0.01f);
        Trainer.builder()
                .model(model)
                .optimizer(adam)
                .train(new Dataset(Fixtures.inputs(20, 6, 1).data().clone(), Fixtures.labels(20, 3, 2), 6, 3))
                .epochs(1)
                .batchSize(10)
                .build()
                .run();
        Path file = dir.resolve("written.safetensors");
        Checkpoint.of(model, adam, new Backprop(), 1, 2, 2, 700, 500, Map.of("run", "test"))
                .write(file);
        return Files.readAllBytes(file);
    }

    private String rejected(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve(Checkpoint.FILE_NAME), bytes);
        var e = assertThrows(ModelFormatException.class, () -> {
            Sequential model = Fixtures.tiny();
            Checkpoint.read(file).restore(model, new Adam(model.parameters(), 0.01f), new Backprop());
        });
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aFlippedExponentIsAChecksumMismatchNamingTheFile() throws IOException {
        byte[] b = tinyCheckpoint();
        assertTrue(SafeTensorsBytes.header(b).contains("\"checksum\":\"crc32:"), SafeTensorsBytes.header(b));
        for (int value = 0; value < 3; value++) {
            byte[] flipped = b.clone();
            flipped[SafeTensorsBytes.dataStart(b) + 4 * value + 3] ^= 0x40; // the top bits of the exponent
            String m = rejected(flipped);
            assertTrue(m.contains(": at byte 8: checksum mismatch"), m);
        }
    }

    @Test
    void aCheckpointWithoutAChecksumStillLoadsAndItsValuesAreStillChecked() throws IOException {
        byte[] b = tinyCheckpoint();
        String header = SafeTensorsBytes.header(b);
        String withoutChecksum = header.replaceFirst(",\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"", "")
                .replaceFirst(",\"checksum\":\"crc32:[0-9a-f]{8}\"", "");
        assertTrue(!withoutChecksum.equals(header), header);
        byte[] old = SafeTensorsBytes.withHeader(b, withoutChecksum);
        Path file = Files.write(dir.resolve(Checkpoint.FILE_NAME), old);
        Checkpoint c = Checkpoint.read(file);
        assertEquals(1, c.epoch());
        assertArrayEquals(
                Checkpoint.read(Files.write(dir.resolve("b"), b)).parameters().get(0),
                c.parameters().get(0));

        int start = SafeTensorsBytes.dataStart(old);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            String m = rejected(SafeTensorsBytes.withFloat(old, start + 4 * 7, bad));
            assertEquals(
                    file + ": at byte " + (start + 28) + ": tensor \"model.0\" value 7 must be finite, got " + bad, m);
        }
    }

    /**
     * The time in the training steps is kept beside the elapsed time; a checkpoint written before it
     * was kept reads with the elapsed time as that time.
     */
    @Test
    void theTrainingTimeIsKeptAndAnOlderFileReadsTheElapsedTime() throws IOException {
        byte[] b = tinyCheckpoint();
        Checkpoint c = Checkpoint.read(Files.write(dir.resolve("new"), b));
        assertEquals(700, c.elapsedNanos());
        assertEquals(500, c.trainingNanos());
        String header = SafeTensorsBytes.header(b);
        String older = header.replaceFirst(",\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"", "")
                .replace(",\"training_nanos\":\"500\"", "");
        assertTrue(!older.contains("training_nanos"), older);
        Checkpoint old = Checkpoint.read(Files.write(dir.resolve("old"), SafeTensorsBytes.withHeader(b, older)));
        assertEquals(700, old.elapsedNanos());
        assertEquals(700, old.trainingNanos());
    }

    @Test
    void aChangedMetadataEntryIsAMetadataChecksumMismatch() throws IOException {
        byte[] b = tinyCheckpoint();
        String h = SafeTensorsBytes.header(b);
        for (String[] edit : new String[][] {
            {"\"epoch\":\"1\"", "\"epoch\":\"3\""},
            {"\"optimizer.group.0.lr\":\"0.01\"", "\"optimizer.group.0.lr\":\"0.11\""},
            {"\"info.run\":\"test\"", "\"info.run\":\"tesu\""}
        }) {
            String m = rejected(SafeTensorsBytes.withHeader(b, h.replace(edit[0], edit[1])));
            assertTrue(m.contains(": at byte 8: metadata checksum mismatch"), m);
        }
    }

    /**
     * Entries edited by hand, as in a file without the metadata checksum (older checkpoints have
     * none): each is refused by the check of its own.
     */
    @Test
    void aDamagedCheckpointIsAFormatErrorNamingTheFileAndTheField() throws IOException {
        byte[] b = tinyCheckpoint();
        String h = SafeTensorsBytes.header(b).replaceFirst(",\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"", "");
        assertTrue(!h.contains("metadata_checksum"), h);
        String m = rejected(SafeTensorsBytes.withHeader(b, h.replace("\"epoch\":\"1\"", "\"epoch\":\"-1\"")));
        assertTrue(m.contains(": at byte 8: __metadata__ epoch must be an integer in [0, 2147483647], got '-1'"), m);
        m = rejected(SafeTensorsBytes.withHeader(b, h.replace("\"step\":\"2\"", "\"step\":\"x\"")));
        assertTrue(m.contains("step"), m);
        m = rejected(SafeTensorsBytes.withHeader(b, h.replace("\"optimizer.group.0.lr\"", "\"optimizer.group.0.xr\"")));
        assertTrue(m.contains("group settings must have the keys"), m);
        m = rejected(SafeTensorsBytes.withHeader(
                b, h.replace("\"optimizer.group.0.lr\":\"0.01\"", "\"optimizer.group.0.lr\":\"NaN\"")));
        assertTrue(m.contains("optimizer.group.0.lr must be a finite number, got 'NaN'"), m);
        m = rejected(SafeTensorsBytes.withHeader(
                b, h.replace("\"optimizer.group.0.params\":\"0,1,2,3\"", "\"optimizer.group.0.params\":\"0,1,2\"")));
        assertTrue(m.contains("optimizer.group.<g>.params entries must hold the 4 model tensors in order, got 3"), m);
        m = rejected(SafeTensorsBytes.withHeader(b, h.replace("\"model.3\"", "\"model.7\"")));
        assertTrue(m.contains("model.7"), m);

        // A whole checkpoint, of a network of other sizes than the one it is restored into.
        Path file = Files.write(dir.resolve(Checkpoint.FILE_NAME), b);
        Sequential wide = Fixtures.wide();
        var e = assertThrows(
                ModelFormatException.class,
                () -> Checkpoint.read(file).restore(wide, new Adam(wide.parameters(), 0.01f), new Backprop()));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    }
}

package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.model.SavedModel;
import dev.gradlab.core.nn.Conv2d;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Flatten;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.MaxPool2d;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Unflatten;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every truncation and every byte flipped (four ways) of a model file, a checkpoint and a genome
 * file, as a failing disk or a careless edit damages them, and the safetensors files again with
 * their data's checksum recomputed, so that the damage reaches the parser: each either loads exactly
 * the values written (for a checkpoint, its metadata's numbers too), or throws a
 * {@link ModelFormatException} whose message starts with the file and holds no control character;
 * never another exception.
 */
class DamagedFilesTest {

    private static final Architecture NET = new Architecture(new int[] {4, 3, 2}, Activation.TANH, true);
    private static final int[] MASKS = {0x01, 0x20, 0x80, 0xff};

    @TempDir
    Path dir;

    @FunctionalInterface
    private interface Loader {
        /** Loads the file and returns its values as text, bit for bit. */
        String load(Path file) throws IOException;
    }

    private static String values(float[] values) {
        StringBuilder b = new StringBuilder();
        for (float v : values) {
            b.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
        }
        return b.toString();
    }

    private static List<byte[]> damaged(byte[] original) {
        List<byte[]> cases = new ArrayList<>();
        for (int cut = 0; cut < original.length; cut++) {
            cases.add(Arrays.copyOf(original, cut));
        }
        for (int at = 0; at < original.length; at++) {
            for (int mask : MASKS) {
                byte[] b = original.clone();
                b[at] ^= (byte) mask;
                cases.add(b);
            }
        }
        cases.add(Arrays.copyOf(original, original.length + 1));
        cases.add(Arrays.copyOf(original, original.length + 8));
        return cases;
    }

    /** Returns how many damaged files loaded (with the original values). */
    private int check(String kind, byte[] original, Loader loader, boolean recomputeChecksum) throws IOException {
        Path file = dir.resolve(kind);
        String expected = loader.load(Files.write(file, original));
        int loaded = 0;
        int i = 0;
        for (byte[] bytes : damaged(original)) {
            if (recomputeChecksum) {
                try {
                    bytes = SafeTensorsBytes.withChecksums(bytes);
                } catch (RuntimeException e) {
                    continue; // a header the helper cannot find its way through is covered without it
                }
            }
            Files.write(file, bytes);
            String what = kind + " case " + i++ + " (" + bytes.length + " of " + original.length + " bytes)";
            try {
                String values = loader.load(file);
                if (!recomputeChecksum) {
                    assertEquals(expected, values, what + " loaded other values");
                }
                loaded++;
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), what + ": " + e.getMessage());
                assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20 || c == 0x7f), what + ": " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(what + " threw " + e, e);
            }
        }
        return loaded;
    }

    private byte[] modelFile() throws IOException {
        Path file = dir.resolve("written.safetensors");
        ModelFile.save(file, NET, NET.build(3), Map.of("method", "backprop"));
        return Files.readAllBytes(file);
    }

    private static String loadModel(Path file) throws IOException {
        SavedModel m = ModelFile.load(file);
        return m.spec() + ": " + values(Parameters.flatten(m.model().parameters()));
    }

    private byte[] checkpoint() throws IOException {
        Sequential model = NET.build(4);
        Adam adam = new Adam(model.parameters(), 0.01f);
        Trainer.builder()
                .model(model)
                .optimizer(adam)
                .train(new Dataset(Fixtures.inputs(8, 4, 1).data().clone(), Fixtures.labels(8, 2, 2), 4, 2))
                .epochs(1)
                .batchSize(4)
                .build()
                .run();
        Path file = dir.resolve("written.safetensors");
        Checkpoint.of(model, adam, new Backprop(), 1, 2, 2, 0, 0, Map.of("run", "test"))
                .write(file);
        return Files.readAllBytes(file);
    }

    /** Reads the checkpoint and restores it into the network and optimizer it was written from. */
    private static String loadCheckpoint(Path file) throws IOException {
        Sequential model = NET.build(0);
        Adam adam = new Adam(model.parameters(), 0.01f);
        Checkpoint c = Checkpoint.read(file);
        c.restore(model, adam, new Backprop());
        StringBuilder b = new StringBuilder(values(Parameters.flatten(model.parameters())));
        b.append(c.epoch())
                .append(' ')
                .append(c.step())
                .append(' ')
                .append(c.lossEvaluations())
                .append(' ')
                .append(c.elapsedNanos())
                .append(' ')
                .append(new TreeMap<>(c.info()))
                .append(' ')
                .append(new TreeMap<>(c.estimator()))
                .append(' ')
                .append(adam.stateDict().paramGroups())
                .append(' ');
        for (var s : new TreeMap<>(adam.stateDict().state()).entrySet()) {
            for (var buffer : new TreeMap<>(s.getValue().buffers()).entrySet()) {
                b.append(s.getKey())
                        .append('.')
                        .append(buffer.getKey())
                        .append(": ")
                        .append(values(buffer.getValue()));
            }
        }
        return b.toString();
    }

    @Test
    void damagedModelFilesLoadTheirValuesOrAreRejectedNamingTheFile() throws IOException {
        byte[] original = modelFile();
        check("model.safetensors", original, DamagedFilesTest::loadModel, false);
        check("model.safetensors", original, DamagedFilesTest::loadModel, true);
    }

    /** A convnet's file, whose spec (JSON in the metadata) the damage reaches too. */
    @Test
    void damagedConvnetFilesLoadTheirValuesOrAreRejectedNamingTheFile() throws IOException {
        Path file = dir.resolve("written.safetensors");
        TorchGenerator g = new TorchGenerator(2);
        ModelFile.save(
                file,
                new Sequential(
                        new Unflatten(1, 1, 6, 6),
                        new Conv2d(1, 2, 3, g),
                        new ReLU(),
                        new MaxPool2d(2),
                        new Flatten(),
                        new Dropout(0.5f, 1),
                        new Linear(8, 2, true, g)),
                Map.of());
        byte[] original = Files.readAllBytes(file);
        check("model.safetensors", original, DamagedFilesTest::loadModel, false);
        check("model.safetensors", original, DamagedFilesTest::loadModel, true);
    }

    @Test
    void damagedCheckpointsLoadTheirValuesOrAreRejectedNamingTheFile() throws IOException {
        byte[] original = checkpoint();
        check("checkpoint.safetensors", original, DamagedFilesTest::loadCheckpoint, false);
        check("checkpoint.safetensors", original, DamagedFilesTest::loadCheckpoint, true);
    }

    @Test
    void damagedGenomeFilesAreRejectedNamingTheFile() throws IOException {
        Path file = dir.resolve("written.bin");
        new Genome(NET, 0.02f, Perturbation.lowRank(1), 5, 11, -3, 1L << 40).write(file);
        int loaded = check(
                "genome.bin",
                Files.readAllBytes(file),
                f -> Genome.read(f).toString() + " "
                        + values(Parameters.flatten(Genome.read(f).rebuild().parameters())),
                false);
        assertEquals(0, loaded, "the checksum covers every byte");
        new Genome(
                        ModelSpec.of(new Sequential(
                                new Unflatten(1, 1, 6, 6),
                                new Conv2d(1, 2, 3, new TorchGenerator(0)),
                                new ReLU(),
                                new MaxPool2d(2),
                                new Flatten(),
                                new Linear(8, 2, true, 0))),
                        0.02f,
                        Perturbation.fullRank(),
                        5,
                        11)
                .write(file);
        loaded = check(
                "genome.bin",
                Files.readAllBytes(file),
                f -> Genome.read(f).toString() + " "
                        + values(Parameters.flatten(Genome.read(f).rebuild().parameters())),
                false);
        assertEquals(0, loaded, "the checksum covers every byte of a convnet's genome");
    }
}

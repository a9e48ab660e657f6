package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenomeTest {

    private static final Architecture NET = new Architecture(new int[] {12, 7, 3}, Activation.RELU, true);
    /** The bytes of NET's spec in a genome file. */
    private static final int SPEC = NET.spec().json().getBytes(StandardCharsets.UTF_8).length;

    @TempDir
    Path dir;

    @Test
    void rebuildIsTheInitialNetworkPlusEachMutationInOrder() {
        for (Perturbation p : new Perturbation[] {Perturbation.fullRank(), Perturbation.lowRank(2)}) {
            Genome g = new Genome(NET, 0.02f, p, 9, 101, -5, 1L << 40);
            var expected = NET.build(9);
            for (long s : new long[] {101, -5, 1L << 40}) {
                Population.ofSeeds(p, 0.02f, s).apply(0, 0.02f, expected.parameters());
            }
            float[] rebuilt = Parameters.flatten(g.rebuild().parameters());
            assertArrayEquals(Parameters.flatten(expected.parameters()), rebuilt, p.toString());
            assertArrayEquals(rebuilt, Parameters.flatten(g.rebuild().parameters()), "twice the same");
            float[] other = Parameters.flatten(
                    new Genome(NET, 0.02f, p, 9, 101, 1L << 40, -5).rebuild().parameters());
            assertTrue(!Arrays.equals(rebuilt, other), "the order of the mutations matters");
        }
    }

    @Test
    void aGenomeFileRoundTripsAndHasTheDocumentedLength() throws IOException {
        Genome g = new Genome(NET, 0.004f, Perturbation.lowRank(3), -2, new long[1000]).mutate(77);
        Path file = dir.resolve(Genome.FILE_NAME);
        g.write(file);
        assertEquals(40 + SPEC + 8 * 1001, Files.size(file));
        assertEquals(g.fileLength(), Files.size(file));
        Genome read = Genome.read(file);
        assertEquals(g, read);
        assertEquals(3, read.perturbation().rank());
        assertEquals(77, read.mutations()[1000]);
        Genome full = new Genome(NET, 0.5f, Perturbation.fullRank(), 4, 1, 2);
        full.write(file);
        assertEquals(full, Genome.read(file));
    }

    @Test
    void aTruncatedFileIsRejectedNamingTheFileAndTheOffset() throws IOException {
        Path file = dir.resolve("g.bin");
        new Genome(NET, 0.01f, Perturbation.fullRank(), 1, 10, 20, 30).write(file);
        byte[] whole = Files.readAllBytes(file);
        // Cut inside the magic, the spec, the seed, the mutation seeds and the checksum.
        int[] cuts = {0, 5, 20, 40, SPEC + 18, SPEC + 30, SPEC + 40, whole.length - 1};
        for (int cut : cuts) {
            Files.write(file, Arrays.copyOf(whole, cut));
            var e = assertThrows(ModelFormatException.class, () -> Genome.read(file), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(file + ": at byte "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        int count = 32 + SPEC;
        Files.write(file, Arrays.copyOf(whole, count + 10));
        var e = assertThrows(ModelFormatException.class, () -> Genome.read(file));
        // The mutation count is at 32 + S; 3 seeds need 32 + S + 4 + 24 + 4 bytes.
        assertEquals(
                file + ": at byte " + count + ": the mutation count 3 needs a file of " + (count + 32) + " bytes, got "
                        + (count + 10) + " (truncated)",
                e.getMessage());
        Files.write(file, Arrays.copyOf(whole, whole.length + 1));
        e = assertThrows(ModelFormatException.class, () -> Genome.read(file));
        assertTrue(
                e.getMessage().contains("at byte " + count) && e.getMessage().contains("got " + (count + 33)),
                e.getMessage());
    }

    @Test
    void aCorruptFileIsRejectedNamingTheFileAndTheOffset() throws IOException {
        Path file = dir.resolve("g.bin");
        new Genome(NET, 0.01f, Perturbation.fullRank(), 1, 10, 20, 30).write(file);
        byte[] whole = Files.readAllBytes(file);
        assertEquals(
                file + ": at byte 0: not a gradlab genome file: magic must be \"GRADLABG\", got \"GRADLABX\"",
                corrupt(file, whole, 7, (byte) 'X').replace("got GRADLABX", "got \"GRADLABX\""));
        assertTrue(corrupt(file, whole, 11, (byte) 3).startsWith(file + ": at byte 8: format version must be 2"));
        assertTrue(corrupt(file, whole, 12, (byte) 0x7f).startsWith(file + ": at byte 12: spec length"));
        assertTrue(
                corrupt(file, whole, 16 + SPEC, (byte) 0xff).startsWith(file + ": at byte " + (16 + SPEC) + ": sigma"));
        // A flipped bit in the spec or a mutation seed parses, and the checksum at the end catches it.
        for (int at : new int[] {30, SPEC + 40}) {
            String flipped = corrupt(file, whole, at, (byte) (whole[at] ^ 1));
            assertTrue(flipped.startsWith(file + ": at byte " + (whole.length - 4) + ": checksum mismatch"), flipped);
        }
    }

    /** A genome of a convnet records its spec and rebuilds it. */
    @Test
    void aConvnetsGenomeRebuildsTheConvnet() throws IOException {
        ModelSpec spec = ModelSpec.of(Convnets.reference(0));
        Genome g = new Genome(spec, 0.01f, Perturbation.lowRank(1), 3, 5, 6);
        Path file = dir.resolve(Genome.FILE_NAME);
        g.write(file);
        Genome read = Genome.read(file);
        assertEquals(spec, read.spec());
        var expected = Convnets.reference(3);
        for (long s : new long[] {5, 6}) {
            Population.ofSeeds(Perturbation.lowRank(1), 0.01f, s).apply(0, 0.01f, expected.parameters());
        }
        assertArrayEquals(
                Parameters.flatten(expected.parameters()),
                Parameters.flatten(read.rebuild().parameters()));
    }

    /** A genome file of format version 1 (an MLP's sizes in place of a spec), committed as written then. */
    @Test
    void aGenomeFileOfFormatVersion1StillLoads() throws IOException {
        Path file = dir.resolve(Genome.FILE_NAME);
        try (InputStream in = getClass().getResourceAsStream("genome-format-1.bin")) {
            Files.copy(in, file);
        }
        Architecture written = Architecture.of(4, new int[] {3}, 2, Activation.RELU, true);
        Genome expected = new Genome(written, 0.05f, Perturbation.lowRank(1), 7, 11L, 12L, 13L);
        Genome read = Genome.read(file);
        assertEquals(expected, read);
        assertArrayEquals(
                Parameters.flatten(expected.rebuild().parameters()),
                Parameters.flatten(read.rebuild().parameters()));
    }

    private static String corrupt(Path file, byte[] whole, int at, byte value) throws IOException {
        byte[] bytes = whole.clone();
        bytes[at] = value;
        Files.write(file, bytes);
        return assertThrows(ModelFormatException.class, () -> Genome.read(file), "byte " + at)
                .getMessage();
    }
}

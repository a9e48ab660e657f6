package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenomeTest {

    private static final Architecture NET = new Architecture(new int[] {12, 7, 3}, Activation.RELU, true);

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
            float[] other = Parameters.flatten(new Genome(NET, 0.02f, p, 9, 101, 1L << 40, -5).rebuild().parameters());
            assertTrue(!Arrays.equals(rebuilt, other), "the order of the mutations matters");
        }
    }

    @Test
    void aGenomeFileRoundTripsAndHasTheDocumentedLength() throws IOException {
        Genome g = new Genome(NET, 0.004f, Perturbation.lowRank(3), -2, new long[1000]).mutate(77);
        Path file = dir.resolve(Genome.FILE_NAME);
        g.write(file);
        assertEquals(42 + 4 * 3 + 8 * 1001, Files.size(file));
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
        // Cut inside the magic, the sizes, the seed, the mutation seeds and the checksum.
        int[] cuts = {0, 5, 20, 40, 50, 60, whole.length - 1};
        for (int cut : cuts) {
            Files.write(file, Arrays.copyOf(whole, cut));
            var e = assertThrows(ModelFormatException.class, () -> Genome.read(file), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(file + ": at byte "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        Files.write(file, Arrays.copyOf(whole, 60));
        var e = assertThrows(ModelFormatException.class, () -> Genome.read(file));
        // 12-7-3: the mutation count is at 34 + 4·3 = 46; 3 seeds need 46 + 4 + 24 + 4 = 78 bytes.
        assertEquals(file + ": at byte 46: the mutation count 3 needs a file of 78 bytes, got 60 (truncated)",
                e.getMessage());
        Files.write(file, Arrays.copyOf(whole, whole.length + 1));
        e = assertThrows(ModelFormatException.class, () -> Genome.read(file));
        assertTrue(e.getMessage().contains("at byte 46") && e.getMessage().contains("got 79"), e.getMessage());
    }

    @Test
    void aCorruptFileIsRejectedNamingTheFileAndTheOffset() throws IOException {
        Path file = dir.resolve("g.bin");
        new Genome(NET, 0.01f, Perturbation.fullRank(), 1, 10, 20, 30).write(file);
        byte[] whole = Files.readAllBytes(file);
        assertEquals(file + ": at byte 0: not a gradlab genome file: magic must be \"GRADLABG\", got \"GRADLABX\"",
                corrupt(file, whole, 7, (byte) 'X').replace("got GRADLABX", "got \"GRADLABX\""));
        assertTrue(corrupt(file, whole, 11, (byte) 2).startsWith(file + ": at byte 8: format version must be 1"));
        assertTrue(corrupt(file, whole, 15, (byte) 1).startsWith(file + ": at byte 12: layer count"));
        assertTrue(corrupt(file, whole, 28, (byte) 9).startsWith(file + ": at byte 28: activation must be"));
        assertTrue(corrupt(file, whole, 29, (byte) 2).startsWith(file + ": at byte 29: bias must be 0 or 1"));
        assertTrue(corrupt(file, whole, 30, (byte) 0xff).startsWith(file + ": at byte 30: sigma"));
        // A flipped bit in a mutation seed parses, and the checksum at the end catches it.
        String flipped = corrupt(file, whole, 60, (byte) (whole[60] ^ 1));
        assertTrue(flipped.startsWith(file + ": at byte " + (whole.length - 4) + ": checksum mismatch"), flipped);
    }

    private static String corrupt(Path file, byte[] whole, int at, byte value) throws IOException {
        byte[] bytes = whole.clone();
        bytes[at] = value;
        Files.write(file, bytes);
        return assertThrows(ModelFormatException.class, () -> Genome.read(file), "byte " + at).getMessage();
    }
}

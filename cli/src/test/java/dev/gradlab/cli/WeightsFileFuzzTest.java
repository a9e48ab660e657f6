package dev.gradlab.cli;

import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.SavedModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random corruptions of a valid weights file: bytes changed, cut off, appended or inserted, with the
 * checksum left as it was or recomputed (so that the damage reaches the parser, as a deliberate edit
 * would). With the checksum as it was, the reader either returns exactly the original network or
 * throws {@link WeightsFormatException}; never another exception, never a partly read network.
 */
class WeightsFileFuzzTest {

    private static final Architecture ARCHITECTURE = new Architecture(new int[] {5, 4, 3}, Activation.TANH, true);
    private static final Sequential MODEL = ARCHITECTURE.build(5);
    private static final Map<String, String> INFO = Map.of("method", "backprop", "seed", "5");
    private static final byte[] ORIGINAL = original();

    private static byte[] original() {
        try {
            Path file = Files.createTempFile("weights", ".bin");
            try {
                WeightsFile.write(file, ARCHITECTURE, MODEL, INFO);
                return Files.readAllBytes(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    enum Damage { FLIP, CUT, APPEND, INSERT }

    private static byte[] damage(Damage kind, List<Integer> positions, int flip, byte[] extra) {
        byte[] b = ORIGINAL.clone();
        int at = positions.get(0) % b.length;
        return switch (kind) {
            case FLIP -> {
                for (int p : positions) {
                    b[p % b.length] ^= (byte) flip;
                }
                yield b;
            }
            case CUT -> Arrays.copyOf(b, at);
            case APPEND -> {
                byte[] longer = Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, longer, b.length, extra.length);
                yield longer;
            }
            case INSERT -> {
                byte[] longer = new byte[b.length + extra.length];
                System.arraycopy(b, 0, longer, 0, at);
                System.arraycopy(extra, 0, longer, at, extra.length);
                System.arraycopy(b, at, longer, at + extra.length, b.length - at);
                yield longer;
            }
        };
    }

    private static SavedModel readOrNull(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("damaged", ".bin");
        try {
            Files.write(file, bytes);
            return WeightsFile.read(file);
        } catch (WeightsFormatException e) {
            return null;
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 500)
    void damagedFilesLoadTheOriginalOrAreRejected(
            @ForAll Damage kind,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll @Size(min = 1, max = 12) byte[] extra) throws IOException {
        SavedModel loaded = readOrNull(damage(kind, positions, flip, extra));
        if (loaded == null) {
            return;
        }
        assertEquals(ARCHITECTURE, loaded.architecture());
        assertEquals(INFO, loaded.info());
        WeightsFileTest.assertSameParameters(MODEL, loaded.model());
    }

    /**
     * With the checksum recomputed, a changed value or informational entry is a valid file of other
     * content; what is read must still be whole: the shapes of the header's architecture, finite values.
     * A file made shorter or longer is always rejected.
     */
    @Property(tries = 500)
    void damageBehindAValidChecksumIsRejectedOrReadWhole(
            @ForAll Damage kind,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll @Size(min = 1, max = 12) byte[] extra) throws IOException {
        byte[] damaged = damage(kind, positions, flip, extra);
        if (damaged.length >= 4) {
            WeightsFileTest.withChecksum(damaged);
        }
        SavedModel loaded = readOrNull(damaged);
        if (loaded == null) {
            return;
        }
        assertEquals(Damage.FLIP, kind, "a file of another length was read");
        List<int[]> shapes = loaded.architecture().parameterShapes();
        List<Tensor> actual = loaded.model().parameters();
        assertEquals(shapes.size(), actual.size());
        for (int i = 0; i < shapes.size(); i++) {
            assertArrayEquals(shapes.get(i), actual.get(i).shape());
            for (float v : actual.get(i).data()) {
                assertTrue(Float.isFinite(v), "tensor " + i + " holds " + v);
            }
        }
    }
}

package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BatcherTest {

    /** Row i holds i in each of its 3 features and label i % 10, so every batch says which rows it holds. */
    private static Dataset rows(int n) {
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, 3 * i, 3 * i + 3, i);
            y[i] = i % 10;
        }
        return new Dataset(x, y, 3, 10);
    }

    /** The row indices of each batch of one epoch, checking that features and labels agree. */
    private static List<int[]> rowsOf(Batcher batcher, int epoch) {
        List<int[]> batches = new ArrayList<>();
        for (Batch b : batcher.epoch(epoch)) {
            float[] x = b.inputs().data();
            assertEquals(b.rows(), b.inputs().dim(0));
            assertEquals(3, b.inputs().dim(1));
            int[] idx = new int[b.rows()];
            for (int r = 0; r < b.rows(); r++) {
                idx[r] = (int) x[3 * r];
                assertEquals(idx[r], x[3 * r + 2]);
                assertEquals(idx[r] % 10, b.labels()[r]);
            }
            batches.add(idx);
        }
        return batches;
    }

    @Test
    void inOrderBatchesAreConsecutiveRowsWithTheLastPartial() {
        Batcher batcher = new Batcher(rows(10), 4, false, 0, false);
        assertEquals(3, batcher.batchesPerEpoch());
        List<int[]> batches = rowsOf(batcher, 0);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, batches.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, batches.get(1));
        assertArrayEquals(new int[] {8, 9}, batches.get(2));
        assertArrayEquals(batches.get(0), rowsOf(batcher, 7).get(0), "without shuffling every epoch is the same");
    }

    @Test
    void dropLastDropsThePartialBatch() {
        Batcher batcher = new Batcher(rows(10), 4, true, 3, true);
        assertEquals(2, batcher.batchesPerEpoch());
        List<int[]> batches = rowsOf(batcher, 0);
        assertEquals(2, batches.size());
        assertTrue(batches.stream().allMatch(b -> b.length == 4));
        assertEquals(1, new Batcher(rows(10), 10, false, 0, true).batchesPerEpoch());
    }

    @Test
    void reusesOneBufferPerBatchSize() {
        Batcher batcher = new Batcher(rows(10), 4, true, 1, false);
        List<Batch> seen = new ArrayList<>();
        for (Batch b : batcher.epoch(0)) {
            seen.add(b);
        }
        for (Batch b : batcher.epoch(1)) {
            seen.add(b);
        }
        assertSame(seen.get(0), seen.get(1));
        assertSame(seen.get(0), seen.get(3));
        assertSame(seen.get(0).inputs().data(), seen.get(4).inputs().data());
        assertNotSame(seen.get(0), seen.get(2), "the partial last batch has its own buffer");
        assertSame(seen.get(2), seen.get(5));
        assertEquals(2, seen.get(2).rows());
    }

    @Property(tries = 50)
    void shuffledEpochsArePermutationsThatDependOnlyOnSeedAndEpoch(
            @ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 16) int batchSize,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 1000) int epoch) {
        Batcher batcher = new Batcher(rows(n), batchSize, true, seed, false);
        int[] order =
                rowsOf(batcher, epoch).stream().flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(batcher.order(epoch), order);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i], "each row exactly once");
        }
        // Same seed and epoch on a fresh batcher, after other epochs were taken: the same order.
        Batcher other = new Batcher(rows(n), batchSize, true, seed, false);
        rowsOf(other, epoch + 1);
        assertArrayEquals(order, other.order(epoch));
    }

    /**
     * Epoch e's order is PyTorch's randperm seeded with seed + e + 1, as pytorch_train.py shuffles:
     * checked against torch's own permutations (data/scripts/torch_randperm_reference.py).
     */
    @Test
    void shuffledOrdersArePyTorchsRandperm() throws IOException, NoSuchAlgorithmException {
        String text;
        try (InputStream in = BatcherTest.class.getResourceAsStream("/torch-randperm.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        int cases = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            int n = Integer.parseInt(f[0]);
            long torchSeed = Long.parseLong(f[1]);
            int[] order = new Batcher(rows(n), 1, true, torchSeed - 1, false).order(0);
            for (int i = 3; i < f.length; i++) {
                assertEquals(
                        Integer.parseInt(f[i]), order[i - 3], "n=" + n + ", seed " + torchSeed + ", index " + (i - 3));
            }
            ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asIntBuffer().put(order);
            String digest = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
            assertEquals(f[2], digest, "n=" + n + ", seed " + torchSeed + ": the whole permutation");
            // The same order as epoch 4 of a run seeded 4 lower.
            assertArrayEquals(order, new Batcher(rows(n), 1, true, torchSeed - 5, false).order(4));
            cases++;
        }
        assertEquals(8, cases);
    }

    @Test
    void differentSeedsAndEpochsGiveDifferentOrders() {
        Batcher a = new Batcher(rows(100), 10, true, 42, false);
        Batcher b = new Batcher(rows(100), 10, true, 43, false);
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        assertFalse(Arrays.equals(a.order(0), b.order(0)));
        assertFalse(Arrays.equals(a.order(0), new Batcher(rows(100), 10, false, 42, false).order(0)));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Batcher(rows(5), 0, false, 0, false));
        IllegalArgumentException tooBig =
                assertThrows(IllegalArgumentException.class, () -> new Batcher(rows(5), 6, false, 0, true));
        assertTrue(tooBig.getMessage().contains("actual 6"));
        assertEquals(1, new Batcher(rows(5), 6, false, 0, false).batchesPerEpoch());
        assertThrows(IllegalArgumentException.class, () -> new Batcher(rows(5), 2, false, 0, false).epoch(-1));
        var it = new Batcher(rows(2), 2, false, 0, false).epoch(0).iterator();
        it.next();
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }
}

package dev.gradlab.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradlab.core.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileAndBinaryReaderTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aWriteReplacesTheFileWholeAndAFailedOneLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("f.bin");
        AtomicFile.write(file, out -> out.write(new byte[] {1, 2, 3}));
        AtomicFile.write(file, out -> out.write(new byte[] {4, 5}));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(file));
        var e = assertThrows(
                IOException.class,
                () -> AtomicFile.write(file, out -> {
                    out.write(new byte[100_000]);
                    throw new UncheckedIOException(new IOException("disk full"));
                }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(file));
        assertEquals(List.of(file), files());
    }

    private BinaryReader reader(byte[] bytes, long max) throws IOException {
        return BinaryReader.open(Files.write(dir.resolve("r.bin"), bytes), max, "a test file", ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everyReadIsCheckedAndEveryErrorNamesTheFileTheOffsetAndTheField() throws IOException {
        Path file = dir.resolve("r.bin");
        BinaryReader in = reader(new byte[] {7, 0, 0, 0, 1, 2}, 100);
        assertEquals(7, in.int32("count"));
        var e = assertThrows(ModelFormatException.class, () -> in.int32("size"));
        assertEquals(
                file + ": at byte 4: truncated: size needs 4 bytes, only 2 left in a file of 6 bytes", e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> in.floats(1L << 40, "tensor \"w\""));
        assertEquals(
                file + ": at byte 4: truncated: tensor \"w\" needs 1099511627776 floats (4 bytes each), only 2"
                        + " bytes left in a file of 6 bytes",
                e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> in.floats(Long.MAX_VALUE, "tensor \"w\""));
        assertEquals(
                file + ": at byte 4: truncated: tensor \"w\" needs " + Long.MAX_VALUE + " floats (4 bytes each),"
                        + " only 2 bytes left in a file of 6 bytes",
                e.getMessage());

        e = assertThrows(ModelFormatException.class, () -> reader(new byte[10], 8));
        assertEquals(file + ": at byte 8: file length must be at most 8 bytes for a test file, got 10", e.getMessage());
        e = assertThrows(
                ModelFormatException.class, () -> BinaryReader.open(dir, 8, "a test file", ByteOrder.LITTLE_ENDIAN));
        assertEquals(dir + ": expected a regular file (a test file), actual a directory", e.getMessage());

        byte[] floats = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1f)
                .putFloat(2f)
                .putFloat(Float.NaN)
                .array();
        BinaryReader f = reader(floats, 100);
        assertArrayEquals(new float[] {1f, 2f}, f.floats(2, "tensor \"w\""));
        f.position(0);
        e = assertThrows(ModelFormatException.class, () -> f.floats(3, "tensor \"w\""));
        assertEquals(file + ": at byte 8: tensor \"w\" value 2 must be finite, got NaN", e.getMessage());

        BinaryReader text = reader(new byte[] {'a', (byte) 0xc3, 'b'}, 100);
        e = assertThrows(ModelFormatException.class, () -> text.utf8(3, "header"));
        assertEquals(file + ": at byte 1: header must be UTF-8 text", e.getMessage());
    }
}

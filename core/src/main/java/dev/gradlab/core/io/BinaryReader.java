package dev.gradlab.core.io;

import dev.gradlab.core.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A whole file, read strictly: it must be a regular file no longer than the caller's limit and than
 * the heap can hold; every field read is checked against what is left, every array's length against
 * the file's size and the heap before it is allocated, every float for finiteness; every error is a
 * {@link ModelFormatException} naming the file, the byte offset and the field. Internal (see the
 * package comment).
 */
public final class BinaryReader {

    private final String file;
    private final ByteBuffer bytes;

    private BinaryReader(String file, byte[] bytes, ByteOrder order) {
        this.file = file;
        this.bytes = ByteBuffer.wrap(bytes).order(order);
    }

    /**
     * Reads {@code file}, which must be {@code expected} (such as "a model.safetensors written by
     * gradlab train", for the messages) and at most {@code maxBytes} long.
     */
    public static BinaryReader open(Path file, long maxBytes, String expected, ByteOrder order) throws IOException {
        String name = file.toString();
        // Only a regular file has a length to check before it is read: not /dev/zero, not a directory.
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(name + ": expected a regular file (" + expected + "), actual "
                    + (!Files.exists(file)
                            ? "no such file"
                            : Files.isDirectory(file) ? "a directory" : "a device or other special file"));
        }
        long size = Files.size(file);
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        if (size > limit) {
            throw new ModelFormatException(name + ": at byte " + limit + ": file length must be at most " + limit
                    + " bytes for " + expected + ", got " + size);
        }
        HeapBudget.require(size, "reading " + name);
        byte[] bytes = Files.readAllBytes(file);
        return new BinaryReader(name, bytes, order);
    }

    public String file() {
        return file;
    }

    public int size() {
        return bytes.capacity();
    }

    public int position() {
        return bytes.position();
    }

    public void position(long offset) {
        if (offset < 0 || offset > size()) {
            throw error(size(), "truncated: expected data at byte " + offset + ", the file has " + size() + " bytes");
        }
        bytes.position((int) offset);
    }

    public int remaining() {
        return bytes.remaining();
    }

    /** Fails unless {@code n} more bytes are left for {@code field}. */
    public void need(long n, String field) {
        if (n < 0 || n > bytes.remaining()) {
            throw error(
                    bytes.position(),
                    "truncated: " + field + " needs " + n + " bytes, only " + bytes.remaining() + " left in a file of "
                            + size() + " bytes");
        }
    }

    public byte[] bytes(int n, String field) {
        need(n, field);
        byte[] b = new byte[n];
        bytes.get(b);
        return b;
    }

    public int int8(String field) {
        need(1, field);
        return bytes.get();
    }

    public int int32(String field) {
        need(4, field);
        return bytes.getInt();
    }

    public long int64(String field) {
        need(8, field);
        return bytes.getLong();
    }

    public float float32(String field) {
        need(4, field);
        return bytes.getFloat();
    }

    /** {@code length} bytes of UTF-8 text; malformed UTF-8 is an error at its offset. */
    public String utf8(long length, String field) {
        need(length, field);
        int start = bytes.position();
        ByteBuffer text = bytes.slice(start, (int) length);
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(text)
                    .toString();
            bytes.position(start + (int) length);
            return s;
        } catch (CharacterCodingException e) {
            throw error(start + text.position(), field + " must be UTF-8 text");
        }
    }

    /**
     * {@code count} floats, each of which must be finite; {@code what} names them in an error
     * ({@code tensor "0.weight"}: "tensor "0.weight" value 7 must be finite, got NaN").
     */
    public float[] floats(long count, String what) {
        if (count < 0 || count > bytes.remaining() / 4) {
            throw error(
                    bytes.position(),
                    "truncated: " + what + " needs " + count + " floats (4 bytes each), only " + bytes.remaining()
                            + " bytes left in a file of " + size() + " bytes");
        }
        HeapBudget.require(4 * count, file + ": " + what);
        int start = bytes.position();
        float[] values = new float[(int) count];
        bytes.asFloatBuffer().get(values);
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw error(start + 4L * i, what + " value " + i + " must be finite, got " + values[i]);
            }
        }
        bytes.position(start + 4 * values.length);
        return values;
    }

    /** The CRC-32 of {@code length} bytes from {@code offset}. */
    public long crc32(int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes.slice(offset, length));
        return crc.getValue();
    }

    /** The error at {@code offset} of this file. */
    public ModelFormatException error(long offset, String message) {
        return new ModelFormatException(file, offset, message);
    }
}

package dev.gradlab.core.model;

import dev.gradlab.core.HeapBudget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The safetensors format, for float32 tensors: an 8-byte little-endian header length {@code N},
 * {@code N} bytes of JSON ({@code {"__metadata__": {string: string}, name: {"dtype": "F32",
 * "shape": [...], "data_offsets": [begin, end]}, ...}}, padded with spaces to a multiple of 8),
 * then the tensors' raw little-endian values, {@code data_offsets} counted from the end of the
 * header. It is what {@code safetensors.torch.load_file} reads.
 *
 * <p>{@link #read} is strict: a header length past the file, malformed JSON, another dtype, a shape
 * that does not match its byte range, ranges that overlap, leave gaps, stop short of the file's end
 * or run past it are all errors that name the file and the byte offset. {@link #write} replaces the
 * file atomically (a sibling temporary file, flushed to disk, then renamed), so a reader sees the
 * old file or the new one, never a part.
 */
public final class SafeTensors {

    /** Larger headers are refused before anything is allocated, as the reference implementation does. */
    static final long MAX_HEADER = 100_000_000;

    private SafeTensors() {
    }

    /** One tensor: its shape and its values, row-major. */
    public record Entry(int[] shape, float[] data) {
        public Entry {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("shape must have dimensions >= 0, got " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("data must hold the " + n + " values of shape "
                        + Arrays.toString(shape) + ", got " + data.length);
            }
        }
    }

    /** What a file holds: the tensors in the order of their data, the metadata, and the data's CRC-32. */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata, long dataCrc32) {
    }

    /** The CRC-32 of the tensors' data as {@link #write} lays it out. */
    public static long crc32(Map<String, Entry> tensors) {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : tensors.values()) {
            forEachChunk(e.data(), buffer, b -> crc.update(b.array(), 0, b.position()));
        }
        return crc.getValue();
    }

    /** Writes the tensors, in the map's order, and the metadata; replaces {@code file} atomically. */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            int k = 0;
            for (var m : metadata.entrySet()) {
                json.append(k++ > 0 ? "," : "").append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
            }
            json.append('}');
        }
        long offset = 0;
        for (var t : tensors.entrySet()) {
            if (t.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name must not be __metadata__");
            }
            long end = offset + 4L * t.getValue().data().length;
            json.append(json.length() > 1 ? "," : "").append(Json.quote(t.getKey())).append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(t.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        while ((8 + json.length()) % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        writeAtomically(file, out -> {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(header.length);
            out.write(buffer.array(), 0, 8);
            out.write(header);
            buffer.clear();
            for (Entry e : tensors.values()) {
                forEachChunk(e.data(), buffer, b -> {
                    try {
                        out.write(b.array(), 0, b.position());
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                });
            }
        });
    }

    /** Reads a whole file, checking everything listed in the class comment. */
    public static Contents read(Path file) throws IOException {
        String name = file.toString();
        // Only a regular file has a length to check before it is read: not /dev/zero, not a directory.
        if (!Files.isRegularFile(file)) {
            throw error(name, 0, "expected a regular file (a model.safetensors written by gradlab train), actual "
                    + (!Files.exists(file) ? "no such file" : Files.isDirectory(file) ? "a directory"
                    : "a device or other special file"));
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw error(name, 0, "file length must be at most " + (Integer.MAX_VALUE - 8) + " bytes, got " + size);
        }
        HeapBudget.require(size, "reading " + name);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8) {
            throw error(name, 0, "truncated: the header length needs 8 bytes, the file has " + bytes.length);
        }
        long n = in.getLong(0);
        if (n < 2 || n > MAX_HEADER) {
            throw error(name, 0, "header length must be in [2, " + MAX_HEADER + "], got " + n
                    + " (not a safetensors file?)");
        }
        if (8 + n > bytes.length) {
            throw error(name, 0, "truncated: the header length is " + n + " bytes, only " + (bytes.length - 8) + " follow");
        }
        long dataStart = 8 + n;
        Object parsed = Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8), name, 8);
        if (!(parsed instanceof Map<?, ?> header)) {
            throw error(name, 8, "header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Object[]> ranges = new ArrayList<>();
        for (var e : header.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw error(name, 8, "__metadata__ must be an object of strings");
                }
                for (var kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String v)) {
                        throw error(name, 8, "__metadata__ value of \"" + kv.getKey() + "\" must be a string");
                    }
                    metadata.put((String) kv.getKey(), v);
                }
                continue;
            }
            ranges.add(new Object[] {key, describe(name, key, e.getValue())});
        }
        ranges.sort((a, b) -> Long.compare(((long[]) a[1])[0], ((long[]) b[1])[0]));
        Map<String, Entry> tensors = new LinkedHashMap<>();
        long expected = 0;
        long dataLength = bytes.length - dataStart;
        for (Object[] r : ranges) {
            String key = (String) r[0];
            long[] d = (long[]) r[1];
            long begin = d[0];
            long end = d[1];
            if (begin != expected) {
                throw error(name, dataStart + Math.min(begin, expected), "tensor \"" + key + "\" must start at data offset "
                        + expected + (begin < expected ? " (it overlaps the one before)" : " (no gaps)") + ", got " + begin);
            }
            if (end > dataLength) {
                throw error(name, dataStart + begin, "truncated: tensor \"" + key + "\" needs data up to offset " + end
                        + ", the file has " + dataLength + " bytes of data");
            }
            int[] shape = new int[d.length - 2];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) d[i + 2];
            }
            float[] values = new float[(int) ((end - begin) / 4)];
            in.position((int) (dataStart + begin));
            in.asFloatBuffer().get(values);
            tensors.put(key, new Entry(shape, values));
            expected = end;
        }
        if (expected != dataLength) {
            throw error(name, dataStart + expected, "the file must end after the last tensor, got "
                    + (dataLength - expected) + " trailing bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, (int) dataStart, (int) dataLength);
        return new Contents(tensors, metadata, crc.getValue());
    }

    /** A tensor's header entry as {begin, end, dims...}, checked against itself. */
    private static long[] describe(String file, String key, Object value) {
        if (!(value instanceof Map<?, ?> m) || !m.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
            throw error(file, 8, "tensor \"" + key + "\" must have exactly dtype, shape and data_offsets, got " + value);
        }
        if (!"F32".equals(m.get("dtype"))) {
            throw error(file, 8, "tensor \"" + key + "\" must have dtype F32, got " + m.get("dtype"));
        }
        long[] shape = longs(file, key, "shape", m.get("shape"), -1);
        long[] offsets = longs(file, key, "data_offsets", m.get("data_offsets"), 2);
        long count = 1;
        for (long d : shape) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw error(file, 8, "tensor \"" + key + "\" shape must have dimensions in [0, 2^31), got " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (offsets[0] < 0 || offsets[1] - offsets[0] != 4 * count || count > Integer.MAX_VALUE) {
            throw error(file, 8, "tensor \"" + key + "\" data_offsets must span 4 x " + count + " bytes for shape "
                    + Arrays.toString(shape) + ", got " + Arrays.toString(offsets));
        }
        long[] d = new long[2 + shape.length];
        d[0] = offsets[0];
        d[1] = offsets[1];
        System.arraycopy(shape, 0, d, 2, shape.length);
        return d;
    }

    private static long[] longs(String file, String key, String field, Object value, int length) {
        if (!(value instanceof List<?> l) || (length >= 0 && l.size() != length)
                || !l.stream().allMatch(v -> v instanceof Long)) {
            throw error(file, 8, "tensor \"" + key + "\" " + field + " must be a list of "
                    + (length >= 0 ? length + " " : "") + "integers, got " + value);
        }
        return l.stream().mapToLong(v -> (Long) v).toArray();
    }

    static ModelFormatException error(String file, long offset, String message) {
        return new ModelFormatException(file + ": at byte " + offset + ": " + message);
    }

    private static void forEachChunk(float[] data, ByteBuffer buffer, java.util.function.Consumer<ByteBuffer> sink) {
        for (float v : data) {
            if (!buffer.hasRemaining()) {
                sink.accept(buffer);
                buffer.clear();
            }
            buffer.putFloat(v);
        }
        sink.accept(buffer);
        buffer.clear();
    }

    /** Something that writes a file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} through a sibling temporary file that is flushed to disk and then renamed
     * over it, so that a crash at any moment leaves the old file or the new one, never a part.
     */
    public static void writeAtomically(Path file, Content content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = parent.resolve(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                try {
                    content.writeTo(out);
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                }
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}

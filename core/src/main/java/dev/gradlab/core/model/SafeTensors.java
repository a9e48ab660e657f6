package dev.gradlab.core.model;

import dev.gradlab.core.io.AtomicFile;
import dev.gradlab.core.io.BinaryReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * "shape": [...], "data_offsets": [begin, end]}, ...}}, padded with spaces to a multiple of 8 bytes),
 * then the tensors' raw little-endian values, {@code data_offsets} counted from the end of the
 * header. It is what {@code safetensors.torch.load_file} reads. {@link #write} adds the entry
 * {@code checksum=crc32:1a2b3c4d} to the metadata, the CRC-32 of the data.
 *
 * <p>{@link #read} is strict: a header length past the file, malformed UTF-8 or JSON, another dtype,
 * a shape that does not match its byte range, ranges that overlap, leave gaps, stop short of the
 * file's end or run past it, a {@code checksum} entry the data does not match, and a value that is
 * not finite (gradlab never writes one) are all {@link ModelFormatException}s that name the file and
 * the byte offset. {@link #write} replaces the file atomically ({@link AtomicFile}), so a reader sees
 * the old file or the new one, never a part.
 */
public final class SafeTensors {

    /** Larger headers are refused before anything is allocated, as the reference implementation does. */
    static final long MAX_HEADER = 100_000_000;
    /** The metadata entry {@link #write} adds: the CRC-32 of the data. */
    public static final String CHECKSUM = "checksum";

    private SafeTensors() {}

    /** One tensor: its shape and its values, row-major. */
    public record Entry(int[] shape, float[] data) {
        public Entry {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(
                            "shape must have dimensions >= 0, got " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("data must hold the " + n + " values of shape "
                        + Arrays.toString(shape) + ", got " + data.length);
            }
        }
    }

    /** What a file holds: the tensors in the order of their data, and the metadata. */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {}

    /**
     * Writes the tensors, in the map's order, and the metadata followed by the {@value #CHECKSUM}
     * entry; replaces {@code file} atomically.
     *
     * @throws IllegalArgumentException for a tensor named {@code __metadata__}, a metadata key
     *     {@value #CHECKSUM}, or a value that is not finite (named by tensor and index)
     */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(tensors, "tensors");
        if (metadata.containsKey(CHECKSUM)) {
            throw new IllegalArgumentException("metadata must not set the reserved key '" + CHECKSUM + "'");
        }
        CRC32 crc = new CRC32();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (var t : tensors.entrySet()) {
            float[] values = t.getValue().data();
            int bad = firstNonFinite(values);
            if (bad >= 0) {
                throw new IllegalArgumentException(
                        "tensor \"" + t.getKey() + "\" value " + bad + " must be finite, got " + values[bad]);
            }
            forEachChunk(values, chunk, b -> crc.update(b.array(), 0, b.position()));
        }
        Map<String, String> withChecksum = new LinkedHashMap<>(metadata);
        withChecksum.put(CHECKSUM, checksum(crc.getValue()));
        StringBuilder json = new StringBuilder("{\"__metadata__\":{");
        int k = 0;
        for (var m : withChecksum.entrySet()) {
            json.append(k++ > 0 ? "," : "")
                    .append(Json.quote(m.getKey()))
                    .append(':')
                    .append(Json.quote(m.getValue()));
        }
        json.append('}');
        long offset = 0;
        for (var t : tensors.entrySet()) {
            if (t.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name must not be __metadata__");
            }
            long end = offset + 4L * t.getValue().data().length;
            json.append(',')
                    .append(Json.quote(t.getKey()))
                    .append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(t.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(end)
                    .append("]}");
            offset = end;
        }
        json.append('}');
        // Padded by its UTF-8 bytes, not its chars, so that the data starts 8-byte aligned.
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] header = Arrays.copyOf(text, (text.length + 7) / 8 * 8);
        Arrays.fill(header, text.length, header.length, (byte) ' ');
        AtomicFile.write(file, out -> {
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
                        throw new UncheckedIOException(x);
                    }
                });
            }
        });
    }

    /** Reads a whole file, checking everything listed in the class comment. */
    public static Contents read(Path file) throws IOException {
        return read(file, "a safetensors file");
    }

    /**
     * Reads a whole file, checking everything listed in the class comment; {@code expected} says
     * in the errors what the file should have been ("a model.safetensors written by gradlab train").
     */
    public static Contents read(Path file, String expected) throws IOException {
        BinaryReader in = BinaryReader.open(file, Long.MAX_VALUE, expected, ByteOrder.LITTLE_ENDIAN);
        String name = in.file();
        if (in.size() < 8) {
            throw in.error(
                    0,
                    "truncated: the header length needs 8 bytes, the file has " + in.size() + " (expected " + expected
                            + ")");
        }
        long n = in.int64("header length");
        if (n < 2 || n > MAX_HEADER) {
            throw in.error(
                    0,
                    "not a safetensors file (expected " + expected + "): the first 8 bytes must be a"
                            + " header length in [2, " + MAX_HEADER + "], got " + n);
        }
        if (n > in.remaining()) {
            throw in.error(0, "truncated: the header length is " + n + " bytes, only " + in.remaining() + " follow");
        }
        Object parsed = Json.parse(in.utf8(n, "header"), name, 8);
        long dataStart = 8 + n;
        if (!(parsed instanceof Map<?, ?> header)) {
            throw in.error(8, "header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Object[]> ranges = new ArrayList<>();
        for (var e : header.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw in.error(8, "__metadata__ must be an object of strings");
                }
                for (var kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String v)) {
                        throw in.error(8, "__metadata__ value of \"" + kv.getKey() + "\" must be a string");
                    }
                    metadata.put((String) kv.getKey(), v);
                }
                continue;
            }
            ranges.add(new Object[] {key, describe(name, key, e.getValue())});
        }
        ranges.sort((a, b) -> Long.compare(((long[]) a[1])[0], ((long[]) b[1])[0]));
        long expectedBegin = 0;
        long dataLength = in.size() - dataStart;
        for (Object[] r : ranges) {
            String key = (String) r[0];
            long[] d = (long[]) r[1];
            long begin = d[0];
            long end = d[1];
            if (begin != expectedBegin) {
                throw in.error(
                        dataStart + Math.min(begin, expectedBegin),
                        "tensor \"" + key + "\" must start at data"
                                + " offset " + expectedBegin
                                + (begin < expectedBegin ? " (it overlaps the one before)" : " (no gaps)")
                                + ", got " + begin);
            }
            if (end > dataLength) {
                throw in.error(
                        dataStart + begin,
                        "truncated: tensor \"" + key + "\" needs data up to offset " + end + ", the file has "
                                + dataLength + " bytes of data");
            }
            expectedBegin = end;
        }
        if (expectedBegin != dataLength) {
            throw in.error(
                    dataStart + expectedBegin,
                    "the file must end after the last tensor, got " + (dataLength - expectedBegin) + " trailing bytes");
        }
        // The checksum first: a damaged value is reported as damage, not as the value it became.
        if (metadata.containsKey(CHECKSUM)) {
            String actual = checksum(in.crc32((int) dataStart, (int) dataLength));
            if (!actual.equals(metadata.get(CHECKSUM))) {
                throw in.error(
                        8,
                        "checksum mismatch: the metadata says " + metadata.get(CHECKSUM) + ", the data has " + actual
                                + "; the file is corrupt");
            }
        }
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Object[] r : ranges) {
            long[] d = (long[]) r[1];
            int[] shape = new int[d.length - 2];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) d[i + 2];
            }
            in.position(dataStart + d[0]);
            tensors.put((String) r[0], new Entry(shape, in.floats((d[1] - d[0]) / 4, "tensor \"" + r[0] + "\"")));
        }
        return new Contents(tensors, metadata);
    }

    /**
     * The CRC-32 of the metadata entries other than the checksums ({@value #CHECKSUM} and
     * {@code metadata_checksum}), sorted by key, as {@code crc32:1a2b3c4d}: the data's checksum does
     * not cover the metadata, where a damaged entry (a model's spec) would load silently.
     */
    public static String metadataChecksum(Map<String, String> metadata) {
        CRC32 crc = new CRC32();
        new java.util.TreeMap<>(metadata).forEach((k, v) -> {
            if (!k.equals("metadata_checksum") && !k.equals(CHECKSUM)) {
                crc.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        return checksum(crc.getValue());
    }

    private static String checksum(long crc) {
        return String.format("crc32:%08x", crc);
    }

    /** A tensor's header entry as {begin, end, dims...}, checked against itself. */
    private static long[] describe(String file, String key, Object value) {
        if (!(value instanceof Map<?, ?> m) || !m.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
            throw error(
                    file, 8, "tensor \"" + key + "\" must have exactly dtype, shape and data_offsets, got " + value);
        }
        if (!"F32".equals(m.get("dtype"))) {
            throw error(file, 8, "tensor \"" + key + "\" must have dtype F32, got " + m.get("dtype"));
        }
        long[] shape = longs(file, key, "shape", m.get("shape"), -1);
        long[] offsets = longs(file, key, "data_offsets", m.get("data_offsets"), 2);
        long count = 1;
        for (long d : shape) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw error(
                        file,
                        8,
                        "tensor \"" + key + "\" shape must have dimensions in [0, 2^31), got "
                                + Arrays.toString(shape));
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                break; // reported below, before a product of many large dimensions can overflow
            }
        }
        if (offsets[0] < 0 || offsets[1] - offsets[0] != 4 * count || count > Integer.MAX_VALUE) {
            throw error(
                    file,
                    8,
                    "tensor \"" + key + "\" data_offsets must span 4 x " + count + " bytes for shape "
                            + Arrays.toString(shape) + ", got " + Arrays.toString(offsets));
        }
        long[] d = new long[2 + shape.length];
        d[0] = offsets[0];
        d[1] = offsets[1];
        System.arraycopy(shape, 0, d, 2, shape.length);
        return d;
    }

    private static long[] longs(String file, String key, String field, Object value, int length) {
        if (!(value instanceof List<?> l)
                || (length >= 0 && l.size() != length)
                || !l.stream().allMatch(v -> v instanceof Long)) {
            throw error(
                    file,
                    8,
                    "tensor \"" + key + "\" " + field + " must be a list of " + (length >= 0 ? length + " " : "")
                            + "integers, got " + value);
        }
        return l.stream().mapToLong(v -> (Long) v).toArray();
    }

    static ModelFormatException error(String file, long offset, String message) {
        return new ModelFormatException(file, offset, message);
    }

    /**
     * The index of the first NaN or infinity, or -1. A method of its own: a checkpoint is written every
     * epoch, and the JIT then compiles this small loop instead of the whole of {@link #write}.
     */
    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Hands {@code data} to {@code sink} as little-endian bytes, a buffer's worth at a time (bulk copies, no per-value loop). */
    private static void forEachChunk(float[] data, ByteBuffer buffer, java.util.function.Consumer<ByteBuffer> sink) {
        int perChunk = buffer.capacity() / Float.BYTES;
        for (int from = 0; from < data.length; from += perChunk) {
            int n = Math.min(perChunk, data.length - from);
            buffer.clear();
            buffer.asFloatBuffer().put(data, from, n);
            buffer.position(n * Float.BYTES);
            sink.accept(buffer);
        }
        buffer.clear();
    }
}

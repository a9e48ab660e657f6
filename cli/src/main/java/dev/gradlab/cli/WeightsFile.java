package dev.gradlab.cli;

import dev.gradlab.core.io.HeapBudget;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.SavedModel;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The weights file of earlier gradlab versions ({@code weights.bin}): a self-describing, checksummed
 * dump of an MLP's parameters. {@code gradlab train} now writes {@link dev.gradlab.core.model.ModelFile}s;
 * {@code gradlab evaluate} still reads these (the writer stays for the tests' files).
 *
 * <p>Layout, every integer and float big-endian (Java's {@code DataOutput}; NumPy {@code >i4},
 * {@code >f4}):
 * <pre>
 * offset  bytes  field
 * 0       8      magic, the ASCII bytes "GRADLABW"
 * 8       4      format version, int32 = 1
 * 12      4      header length H, int32, 1..65536
 * 16      H      header, UTF-8 text, one key=value per line ('\n'); required keys:
 *                  layers=784-512-10   layer sizes from input to output
 *                  activation=sigmoid  sigmoid | relu | requ | tanh, after every hidden layer
 *                  bias=false          true | false
 *                other keys (method, seed, test_accuracy, ...) are informational
 * 16+H    4      tensor count T, int32, equal to the number of parameters tensors of the network
 *                then T times: rank r (int32), r dimensions (int32), then the float32 values, row-major
 * end-4   4      CRC-32 of every byte before it, int32
 * </pre>
 * The tensors come in PyTorch's {@code state_dict} order for an {@code nn.Sequential}: for each linear
 * layer from input to output its weight ({@code out × in}) and then, with biases, its bias ({@code out}).
 * A reader rejects a wrong magic or version, a header without the required keys, a tensor whose shape
 * is not the one the header's architecture implies, a truncated file, trailing bytes and a checksum
 * mismatch, each with a message naming the file, the offset and the expected and actual value.
 */
final class WeightsFile {

    static final String FILE_NAME = "weights.bin";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "GRADLABW".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER = 65536;

    private WeightsFile() {
    }

    /**
     * Writes {@code model}'s parameters, whose shapes must be those of {@code architecture}, with the
     * given informational header entries; the file is replaced atomically where the file system allows.
     */
    static void write(Path file, Architecture architecture, Module model, Map<String, String> info) throws IOException {
        List<Tensor> parameters = model.parameters();
        List<int[]> shapes = architecture.parameterShapes();
        if (parameters.size() != shapes.size()) {
            throw new IllegalArgumentException("model must have " + shapes.size() + " parameter tensors for "
                    + architecture + ", got " + parameters.size());
        }
        for (int i = 0; i < shapes.size(); i++) {
            if (!Arrays.equals(shapes.get(i), parameters.get(i).shape())) {
                throw new IllegalArgumentException("parameter " + i + " must have shape " + Arrays.toString(shapes.get(i))
                        + " for " + architecture + ", got " + Arrays.toString(parameters.get(i).shape()));
            }
        }
        byte[] header = header(architecture, info).getBytes(StandardCharsets.UTF_8);
        if (header.length > MAX_HEADER) {
            throw new IllegalArgumentException("header must be at most " + MAX_HEADER + " bytes, got " + header.length);
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // A sibling file moved into place at the end, so a failed write never leaves half a weights file.
        Path temporary = parent.resolve(file.getFileName() + ".part");
        try {
            CRC32 crc = new CRC32();
            try (OutputStream raw = Files.newOutputStream(temporary);
                 DataOutputStream data = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc))) {
                data.write(MAGIC);
                data.writeInt(VERSION);
                data.writeInt(header.length);
                data.write(header);
                data.writeInt(parameters.size());
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                for (Tensor p : parameters) {
                    data.writeInt(p.rank());
                    for (int d : p.shape()) {
                        data.writeInt(d);
                    }
                    float[] values = p.data();
                    for (int i = 0; i < p.size(); i++) {
                        if (!buffer.hasRemaining()) {
                            data.write(buffer.array(), 0, buffer.position());
                            buffer.clear();
                        }
                        buffer.putFloat(values[i]);
                    }
                    data.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                data.flush();
                // The checksum covers everything before it, so it goes past the checked stream.
                new DataOutputStream(raw).writeInt((int) crc.getValue());
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Whether {@code file} starts with this format's magic. */
    static boolean isLegacy(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;   // the model file reader names what it is instead
        }
        try (var in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        }
    }

    /**
     * Reads a weights file into a new network of the architecture its header names. The checksum is
     * verified before anything is parsed, and the file's length against the header's architecture
     * before the network is built; the file is mapped, not copied onto the heap.
     */
    static SavedModel read(Path file) throws IOException {
        ByteBuffer bytes = map(file);
        Reader in = new Reader(file, bytes);
        byte[] magic = in.bytes(MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error(0, "not a gradlab weights file: magic must be \"GRADLABW\", got " + printable(magic));
        }
        int version = in.int32("format version");
        if (version != VERSION) {
            throw in.error(8, "format version must be " + VERSION + ", got " + version);
        }
        int crcAt = bytes.capacity() - 4;
        if (crcAt < in.position + 4) {
            throw in.error(in.position, "truncated: a header length and a checksum need 8 bytes, only "
                    + (bytes.capacity() - in.position) + " left in a file of " + bytes.capacity() + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.slice(0, crcAt));
        int stored = bytes.getInt(crcAt);
        if (stored != (int) crc.getValue()) {
            throw in.error(crcAt, String.format("checksum mismatch: stored %08x, computed %08x over the preceding bytes;"
                    + " the file is corrupt or truncated", stored, (int) crc.getValue()));
        }
        int headerLength = in.int32("header length");
        if (headerLength < 1 || headerLength > MAX_HEADER) {
            throw in.error(12, "header length must be in [1, " + MAX_HEADER + "], got " + headerLength);
        }
        Map<String, String> header = parseHeader(in, new String(in.bytes(headerLength, "header"), StandardCharsets.UTF_8));
        Architecture architecture = architecture(in, header);
        List<int[]> shapes = architecture.parameterShapes();
        int countAt = in.position;
        int count = in.int32("tensor count");
        if (count != shapes.size()) {
            throw in.error(countAt, "tensor count must be " + shapes.size() + " for " + architecture + ", got " + count);
        }
        long length = in.position + 4;
        for (int[] shape : shapes) {
            length += 4L + 4L * shape.length + 4L * Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        }
        if (length != bytes.capacity()) {
            throw in.error(countAt, "file length must be " + length + " bytes for " + architecture + ", got "
                    + bytes.capacity());
        }
        HeapBudget.require(4 * architecture.parameterCount(), file + ": the network " + architecture);
        Sequential model = architecture.build(0);
        List<Tensor> parameters = model.parameters();
        for (int t = 0; t < count; t++) {
            int rankAt = in.position;
            int rank = in.int32("rank of tensor " + t);
            int[] expected = shapes.get(t);
            if (rank != expected.length) {
                throw in.error(rankAt, "tensor " + t + " must have rank " + expected.length + ", got " + rank);
            }
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = in.int32("dimension " + d + " of tensor " + t);
            }
            if (!Arrays.equals(shape, expected)) {
                throw in.error(rankAt, "tensor " + t + " must have shape " + Arrays.toString(expected) + " for "
                        + architecture + ", got " + Arrays.toString(shape));
            }
            Tensor p = parameters.get(t);
            int valuesAt = in.position;
            in.floats(p.data(), p.size(), "values of tensor " + t);
            float[] values = p.data();
            for (int i = 0; i < p.size(); i++) {
                if (!Float.isFinite(values[i])) {
                    throw in.error(valuesAt + 4 * i, "tensor " + t + " value " + i + " must be finite, got " + values[i]);
                }
            }
        }
        Map<String, String> info = new LinkedHashMap<>(header);
        info.keySet().removeAll(List.of("layers", "activation", "bias"));
        return new SavedModel(architecture, info, model);
    }

    private static String header(Architecture architecture, Map<String, String> info) {
        StringBuilder text = new StringBuilder();
        text.append("layers=").append(architecture.layers()).append('\n');
        text.append("activation=").append(architecture.activation()).append('\n');
        text.append("bias=").append(architecture.bias()).append('\n');
        info.forEach((key, value) -> {
            if (!key.matches("[A-Za-z0-9_.-]+") || value.contains("\n")) {
                throw new IllegalArgumentException("header entry must be a word key and a one-line value, got '"
                        + key + "=" + value + "'");
            }
            text.append(key).append('=').append(value).append('\n');
        });
        return text.toString();
    }

    private static Map<String, String> parseHeader(Reader in, String text) {
        Map<String, String> header = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw in.error(16, "header lines must be key=value, got '" + line + "'");
            }
            header.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return header;
    }

    private static Architecture architecture(Reader in, Map<String, String> header) {
        for (String key : List.of("layers", "activation", "bias")) {
            if (!header.containsKey(key)) {
                throw in.error(16, "header must have a '" + key + "' entry, got keys " + header.keySet());
            }
        }
        String layers = header.get("layers");
        if (!layers.matches("[0-9]{1,9}(-[0-9]{1,9})+")) {
            throw in.error(16, "header entry layers must be two or more sizes joined by '-', e.g. 784-512-10, got '"
                    + layers + "'");
        }
        try {
            return Architecture.parse(header.get("layers"), header.get("activation"), header.get("bias"));
        } catch (IllegalArgumentException e) {
            throw in.error(16, "header does not describe a network: " + e.getMessage());
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes) {
            s.append(b >= 32 && b < 127 ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return s.append('"').toString();
    }

    /** Maps {@code file} read-only, after checking that it is a regular file a buffer can address. */
    private static ByteBuffer map(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new WeightsFormatException(file + ": expected a regular file (a weights.bin written by gradlab train),"
                    + " actual " + (!Files.exists(file) ? "no such file" : Files.isDirectory(file) ? "a directory"
                    : "a device or other special file"));
        }
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new WeightsFormatException(file + ": file length must be at most " + Integer.MAX_VALUE
                        + " bytes (a network of at most 536 million parameters), got " + size);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /** Bounds-checked big-endian reads that report truncation with the field and offset. */
    private static final class Reader {
        final Path file;
        final ByteBuffer buffer;
        int position;

        Reader(Path file, ByteBuffer bytes) {
            this.file = file;
            this.buffer = bytes;
        }

        WeightsFormatException error(int offset, String message) {
            return new WeightsFormatException(file + ": at byte " + offset + ": " + message);
        }

        private void need(long length, String field) {
            if (position + length > buffer.capacity()) {
                throw error(position, "truncated: " + field + " needs " + length + " bytes, only "
                        + (buffer.capacity() - position) + " left in a file of " + buffer.capacity() + " bytes");
            }
        }

        byte[] bytes(int length, String field) {
            need(length, field);
            byte[] b = new byte[length];
            buffer.get(position, b);
            position += length;
            return b;
        }

        int int32(String field) {
            need(4, field);
            int v = buffer.getInt(position);
            position += 4;
            return v;
        }

        void floats(float[] out, int count, String field) {
            need(4L * count, field);
            buffer.position(position);
            buffer.asFloatBuffer().get(out, 0, count);
            position += 4 * count;
        }
    }
}

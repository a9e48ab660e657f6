package dev.gradlab.data;

import dev.gradlab.core.io.HeapBudget;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads IDX files of unsigned bytes (the MNIST format: a big-endian header {@code 0x00 0x00 0x08 rank},
 * {@code rank} big-endian 32-bit dimensions, then the elements), raw or gzip-compressed; gzip is
 * recognised by its magic bytes, not the file name. The file is streamed once: decompressed,
 * validated and hashed as it is read. Any defect (magic, element type, dimensions, a byte count that
 * is not exactly the header's, a broken gzip stream) throws {@link IdxFormatException}, and nothing
 * is returned.
 */
public final class IdxReader {

    /** The only element type the MNIST family uses. */
    static final int UNSIGNED_BYTE = 0x08;
    /** Largest array the JVM reliably allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Deflate cannot expand input by more than about 1032:1; a header claiming more is a lie we need not allocate for. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private static final int UNKNOWN_LENGTH_CHUNK = 1 << 20;

    private IdxReader() {}

    /** Reads a raw or gzip IDX file. */
    public static IdxArray read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a raw or gzip IDX file from {@code in} to its end; {@code source} names it in errors.
     * The stream is not closed.
     */
    public static IdxArray read(String source, InputStream in) {
        try {
            return read(source, in, -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + source + ": " + e.getMessage(), e);
        }
    }

    private static IdxArray read(String source, InputStream raw, long sourceLength) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1F && b1 == 0x8B;
        InputStream in = gzip ? new StrictGzipInputStream(source, buffered) : buffered;
        long bound = sourceLength < 0 ? -1 : gzip ? sourceLength * MAX_DEFLATE_RATIO + 1024 : sourceLength;
        return parse(source, in, bound);
    }

    private static IdxArray parse(String source, InputStream in, long sourceBound) throws IOException {
        MessageDigest sha256 = newSha256();
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new IdxFormatException(source, "header at offset 0", "a 4-byte magic number", got + " bytes");
        }
        sha256.update(magic);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(
                    source,
                    "magic number at offset 0",
                    "0x0000 in its first two bytes",
                    String.format("0x%02x%02x", magic[0] & 0xFF, magic[1] & 0xFF));
        }
        if ((magic[2] & 0xFF) != UNSIGNED_BYTE) {
            throw new IdxFormatException(
                    source,
                    "element type at offset 2",
                    "0x08 (unsigned byte)",
                    String.format("0x%02x", magic[2] & 0xFF));
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) {
            throw new IdxFormatException(source, "rank at offset 3", "at least 1", "0");
        }
        byte[] header = new byte[4 * rank];
        got = in.readNBytes(header, 0, header.length);
        if (got < header.length) {
            throw new IdxFormatException(
                    source,
                    "dimensions at offset 4",
                    rank + " dimensions (" + header.length + " bytes)",
                    got + " bytes");
        }
        sha256.update(header);
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long d = ((header[4 * i] & 0xFFL) << 24)
                    | ((header[4 * i + 1] & 0xFF) << 16)
                    | ((header[4 * i + 2] & 0xFF) << 8)
                    | (header[4 * i + 3] & 0xFF);
            if (d > MAX_ELEMENTS) {
                throw new IdxFormatException(
                        source,
                        "dimension " + i + " at offset " + (4 + 4 * i),
                        "at most " + MAX_ELEMENTS,
                        Long.toString(d));
            }
            dims[i] = (int) d;
            elements *= d;
            if (elements > MAX_ELEMENTS) {
                throw new IdxFormatException(
                        source,
                        "dimensions at offset 4",
                        "at most " + MAX_ELEMENTS + " elements in all",
                        "at least " + elements + " for dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1)));
            }
        }
        long headerLength = 4L + header.length;
        if (sourceBound >= 0 && elements > sourceBound - headerLength) {
            throw new IdxFormatException(
                    source,
                    "dimensions at offset 4",
                    "at most " + Math.max(0, sourceBound - headerLength)
                            + " data bytes (all a file of its size can hold)",
                    elements + " for dimensions " + Arrays.toString(dims));
        }
        byte[] data = readData(source, in, (int) elements, headerLength, sha256);
        if (in.read() >= 0) {
            throw new IdxFormatException(
                    source,
                    "end of data at offset " + (headerLength + elements),
                    "end of file (dimensions " + Arrays.toString(dims) + ")",
                    "more bytes");
        }
        return new IdxArray(source, dims, data, HexFormat.of().formatHex(sha256.digest()));
    }

    /**
     * Reads exactly {@code n} bytes. The array starts small and doubles as data arrives, so that a
     * corrupted header claiming gigabytes costs nothing before the data runs out; each growth first
     * checks that the heap can hold it.
     */
    private static byte[] readData(String source, InputStream in, int n, long offset, MessageDigest sha256)
            throws IOException {
        byte[] data = new byte[Math.min(n, UNKNOWN_LENGTH_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == data.length) {
                int grown = (int) Math.min(n, 2L * data.length);
                // The old array and the new one are both live during the copy.
                HeapBudget.require((long) grown + data.length, source + ": the " + n + " data bytes its header claims");
                data = Arrays.copyOf(data, grown);
            }
            int r = in.read(data, filled, data.length - filled);
            if (r < 0) {
                throw new IdxFormatException(source, "data at offset " + offset, n + " bytes", filled + " bytes");
            }
            sha256.update(data, filled, r);
            filled += r;
        }
        return data;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}

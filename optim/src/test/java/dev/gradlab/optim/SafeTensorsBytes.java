package dev.gradlab.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Edits of a safetensors file's bytes, as a careless or hostile user would make them. */
final class SafeTensorsBytes {

    private SafeTensorsBytes() {}

    static int headerLength(byte[] file) {
        return (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    static int dataStart(byte[] file) {
        return 8 + headerLength(file);
    }

    static String header(byte[] file) {
        return new String(file, 8, headerLength(file), StandardCharsets.UTF_8);
    }

    /** The file with another header (any length; the data offsets are relative to its end). */
    static byte[] withHeader(byte[] file, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int start = dataStart(file);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + file.length - start).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(file, start, file.length - start);
        return out.array();
    }

    /** The file with the header's data checksum ({@code "checksum":"crc32:..."}) recomputed over its data. */
    static byte[] withChecksum(byte[] file) {
        int start = dataStart(file);
        CRC32 crc = new CRC32();
        crc.update(file, start, file.length - start);
        return withHeader(
                file,
                header(file)
                        .replaceFirst(
                                "\"checksum\":\"crc32:[0-9a-f]{8}\"",
                                String.format("\"checksum\":\"crc32:%08x\"", crc.getValue())));
    }

    /**
     * The file with the data checksum and the metadata's own ({@code metadata_checksum}) recomputed,
     * so that damage to the metadata reaches the parser; throws when the header no longer parses.
     */
    static byte[] withChecksums(byte[] file) throws java.io.IOException {
        byte[] resealed = withChecksum(file);
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile("reseal", ".safetensors");
        try {
            java.nio.file.Files.write(tmp, resealed);
            var metadata = dev.gradlab.core.model.SafeTensors.read(tmp).metadata();
            return withHeader(
                    resealed,
                    header(resealed)
                            .replaceFirst(
                                    "\"metadata_checksum\":\"crc32:[0-9a-f]{8}\"",
                                    "\"metadata_checksum\":\""
                                            + dev.gradlab.core.model.SafeTensors.metadataChecksum(metadata) + "\""));
        } finally {
            java.nio.file.Files.delete(tmp);
        }
    }

    /** The file with {@code value} at byte {@code at}, little-endian. */
    static byte[] withFloat(byte[] file, int at, float value) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, value);
        return b;
    }
}

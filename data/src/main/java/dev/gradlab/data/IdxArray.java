package dev.gradlab.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions, its elements in row-major order, and
 * the SHA-256 digest of the whole (decompressed) file, header included.
 */
public final class IdxArray {

    private final String source;
    private final int[] dims;
    private final byte[] data;
    private final String sha256;

    IdxArray(String source, int[] dims, byte[] data, String sha256) {
        this.source = source;
        this.dims = dims;
        this.data = data;
        this.sha256 = sha256;
    }

    /** The file or resource this was read from. */
    public String source() {
        return source;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException(
                    "axis " + axis + " is out of range for dimensions " + Arrays.toString(dims));
        }
        return dims[axis];
    }

    /** The elements as unsigned bytes (mask with {@code 0xFF}); the live array. */
    public byte[] data() {
        return data;
    }

    /** Lower-case hex SHA-256 of the decompressed file. */
    public String sha256() {
        return sha256;
    }
}

package dev.gradlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a gzip file (RFC 1952, one or more members) and rejects anything that is not one:
 * a bad header, a corrupt deflate stream, a CRC-32 or length mismatch, a stream that ends early,
 * or bytes after the last member that do not form another member, each an {@link IdxFormatException}. {@link java.util.zip.GZIPInputStream}
 * silently ignores trailing garbage, which would let a damaged file pass.
 */
final class StrictGzipInputStream extends InputStream {

    private static final int FTEXT_FHCRC_FEXTRA_FNAME_FCOMMENT = 0x1F;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;

    private final String source;
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long bufStart;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private boolean inMember;
    private boolean done;

    /** Decompresses {@code in}; {@code source} names it in the errors. */
    StrictGzipInputStream(String source, InputStream in) {
        this.source = source;
        this.in = in;
    }

    /** A malformed gzip stream, located by its offset in the compressed bytes. */
    private IdxFormatException error(long offset, String field, String expected, String actual) {
        return new IdxFormatException(source, "gzip " + field + " at compressed offset " + offset, expected, actual);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!done) {
            if (!inMember) {
                readHeader();
                inMember = true;
            }
            if (inflater.finished()) {
                readTrailer();
                inflater.reset();
                crc.reset();
                memberBytes = 0;
                inMember = false;
                // Another member may follow (concatenated gzip files are valid); anything else is an error.
                if (pos == limit && !fill()) {
                    done = true;
                }
                continue;
            }
            if (inflater.needsInput()) {
                if (pos == limit && !fill()) {
                    throw error(offset(), "deflate data", "more compressed bytes", "end of file");
                }
                inflater.setInput(buf, pos, limit - pos);
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw error(offset(), "deflate data", "a valid deflate stream", e.getMessage());
            }
            pos = limit - inflater.getRemaining();
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.needsDictionary()) {
                throw error(offset(), "deflate data", "no preset dictionary", "a dictionary request");
            }
        }
        return -1;
    }

    private long offset() {
        return bufStart + pos;
    }

    private boolean fill() throws IOException {
        bufStart += limit;
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private int nextByte(String field) throws IOException {
        if (pos == limit && !fill()) {
            throw error(offset(), field, "another byte", "end of file");
        }
        return buf[pos++] & 0xFF;
    }

    private void readHeader() throws IOException {
        CRC32 headerCrc = new CRC32();
        long start = offset();
        int id1 = headerByte(headerCrc, "magic");
        int id2 = headerByte(headerCrc, "magic");
        if (id1 != 0x1F || id2 != 0x8B) {
            throw error(start, "member magic", "0x1f8b", String.format("0x%02x%02x", id1, id2));
        }
        int method = headerByte(headerCrc, "compression method");
        if (method != 8) {
            throw error(start + 2, "compression method", "8 (deflate)", Integer.toString(method));
        }
        int flags = headerByte(headerCrc, "flags");
        if ((flags & ~FTEXT_FHCRC_FEXTRA_FNAME_FCOMMENT) != 0) {
            throw error(start + 3, "flags", "reserved bits 5-7 clear", String.format("0x%02x", flags));
        }
        for (int i = 0; i < 6; i++) {
            headerByte(headerCrc, "mtime, xfl and os"); // informative only
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = headerByte(headerCrc, "extra length") | headerByte(headerCrc, "extra length") << 8;
            for (int i = 0; i < xlen; i++) {
                headerByte(headerCrc, "extra field");
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte(headerCrc, "file name") != 0) {
                // zero-terminated
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte(headerCrc, "comment") != 0) {
                // zero-terminated
            }
        }
        if ((flags & FHCRC) != 0) {
            long at = offset();
            int stored = nextByte("header CRC-16") | nextByte("header CRC-16") << 8;
            int actual = (int) (headerCrc.getValue() & 0xFFFF);
            if (stored != actual) {
                throw error(at, "header CRC-16", String.format("0x%04x", actual), String.format("0x%04x", stored));
            }
        }
    }

    private int headerByte(CRC32 headerCrc, String field) throws IOException {
        int b = nextByte(field);
        headerCrc.update(b);
        return b;
    }

    private void readTrailer() throws IOException {
        long at = offset();
        long storedCrc = littleEndianInt("CRC-32");
        long storedSize = littleEndianInt("uncompressed size");
        if (storedCrc != crc.getValue()) {
            throw error(at, "CRC-32", String.format("0x%08x", crc.getValue()), String.format("0x%08x", storedCrc));
        }
        if (storedSize != (memberBytes & 0xFFFFFFFFL)) {
            throw error(
                    at + 4,
                    "uncompressed size (mod 2^32)",
                    Long.toString(memberBytes & 0xFFFFFFFFL),
                    Long.toString(storedSize));
        }
    }

    private long littleEndianInt(String field) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (long) nextByte(field) << (8 * i);
        }
        return v;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}

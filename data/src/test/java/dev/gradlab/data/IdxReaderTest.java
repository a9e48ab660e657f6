package dev.gradlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static final byte[] DATA = IdxBytes.randomBytes(new Random(1), 2 * 3 * 4, 256);
    private static final byte[] RAW = IdxBytes.idx(new int[] {2, 3, 4}, DATA);

    private static IdxArray read(byte[] bytes) {
        return IdxReader.read("test.idx", new ByteArrayInputStream(bytes));
    }

    private static IdxFormatException fails(byte[] bytes) {
        return assertThrows(IdxFormatException.class, () -> read(bytes));
    }

    @Test
    void readsRawAndGzipAlike() {
        for (byte[] bytes : new byte[][] {RAW, IdxBytes.gzip(RAW)}) {
            IdxArray a = read(bytes);
            assertArrayEquals(new int[] {2, 3, 4}, a.dims());
            assertArrayEquals(DATA, a.data());
            assertEquals(IdxBytes.sha256(RAW), a.sha256(), "the digest is of the decompressed file");
        }
    }

    @Test
    void readsFilesWhateverTheirName(@TempDir Path dir) throws Exception {
        Path gzNamedRaw = dir.resolve("looks-raw");
        Files.write(gzNamedRaw, IdxBytes.gzip(RAW));
        Path rawNamedGz = dir.resolve("looks.gz");
        Files.write(rawNamedGz, RAW);
        assertArrayEquals(DATA, IdxReader.read(gzNamedRaw).data());
        assertArrayEquals(DATA, IdxReader.read(rawNamedGz).data());
    }

    @Test
    void readsConcatenatedGzipMembers() {
        byte[] a = IdxBytes.gzip(Arrays.copyOf(RAW, 10));
        byte[] b = IdxBytes.gzip(Arrays.copyOfRange(RAW, 10, RAW.length));
        assertArrayEquals(DATA, read(concat(a, b)).data());
    }

    @Test
    void readsGzipWithOptionalHeaderFields() {
        byte[] plain = IdxBytes.gzip(RAW);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x1F);
        header.write(0x8B);
        header.write(8);
        header.write(0x04 | 0x08 | 0x10 | 0x02); // FEXTRA, FNAME, FCOMMENT, FHCRC
        header.writeBytes(new byte[] {1, 2, 3, 4, 0, 3});
        header.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
        header.writeBytes("name.idx\0".getBytes());
        header.writeBytes("a comment\0".getBytes());
        CRC32 crc = new CRC32();
        crc.update(header.toByteArray());
        header.write((int) crc.getValue() & 0xFF);
        header.write((int) (crc.getValue() >>> 8) & 0xFF);
        byte[] withFields = concat(header.toByteArray(), Arrays.copyOfRange(plain, 10, plain.length));
        assertArrayEquals(DATA, read(withFields).data());

        withFields[header.size() - 1] ^= 1;
        assertTrue(fails(withFields).getMessage().contains("header CRC-16"));
    }

    @Test
    void rejectsWrongMagic() {
        byte[] bad = RAW.clone();
        bad[1] = 1;
        IdxFormatException e = fails(bad);
        assertEquals(
                "test.idx: magic number at offset 0: expected 0x0000 in its first two bytes, actual 0x0001",
                e.getMessage());
        assertEquals("test.idx", e.source());
    }

    @Test
    void rejectsOtherElementTypes() {
        byte[] bad = RAW.clone();
        bad[2] = 0x0D;
        assertEquals(
                "test.idx: element type at offset 2: expected 0x08 (unsigned byte), actual 0x0d",
                fails(bad).getMessage());
    }

    @Test
    void rejectsRankZeroAndShortHeaders() {
        byte[] bad = RAW.clone();
        bad[3] = 0;
        assertTrue(fails(bad).getMessage().contains("rank at offset 3: expected at least 1, actual 0"));
        assertTrue(fails(Arrays.copyOf(RAW, 3)).getMessage().contains("header at offset 0"));
        assertTrue(fails(Arrays.copyOf(RAW, 9))
                .getMessage()
                .contains("dimensions at offset 4: expected 3 dimensions (12 bytes), actual 5 bytes"));
    }

    @Test
    void rejectsMissingAndTrailingData() {
        IdxFormatException shortData = fails(Arrays.copyOf(RAW, RAW.length - 1));
        assertEquals("test.idx: data at offset 16: expected 24 bytes, actual 23 bytes", shortData.getMessage());
        IdxFormatException longData = fails(Arrays.copyOf(RAW, RAW.length + 1));
        assertEquals(
                "test.idx: end of data at offset 40: expected end of file (dimensions [2, 3, 4]), actual more bytes",
                longData.getMessage());
        assertTrue(fails(IdxBytes.gzip(Arrays.copyOf(RAW, RAW.length + 1)))
                .getMessage()
                .contains("end of data at offset 40"));
    }

    @Test
    void rejectsHugeDimensionsWithoutAllocatingThem() {
        byte[] huge = IdxBytes.idx(new int[] {0x7FFF_0000, 1}, new byte[8]);
        assertTrue(fails(huge).getMessage().contains("data at offset 12: expected 2147418112 bytes, actual 8 bytes"));
        byte[] tooMany = IdxBytes.idx(new int[] {65536, 65536}, new byte[8]);
        assertTrue(fails(tooMany).getMessage().contains("dimensions at offset 4: expected at most"));
        byte[] negative = IdxBytes.idx(new int[] {-1}, new byte[8]);
        assertTrue(fails(negative)
                .getMessage()
                .contains("dimension 0 at offset 4: expected at most 2147483639, actual 4294967295"));
    }

    @Test
    void rejectsDamagedGzip() {
        byte[] gz = IdxBytes.gzip(RAW);
        byte[] crc = gz.clone();
        crc[gz.length - 8] ^= 1;
        assertTrue(fails(crc).getMessage().contains("gzip CRC-32 at compressed offset " + (gz.length - 8)));
        byte[] size = gz.clone();
        size[gz.length - 4] ^= 1;
        assertTrue(fails(size)
                .getMessage()
                .contains("gzip uncompressed size (mod 2^32) at compressed offset " + (gz.length - 4)));
        IdxFormatException truncated = fails(Arrays.copyOf(gz, gz.length - 3));
        assertTrue(
                truncated.getMessage().contains("expected another byte, actual end of file"), truncated.getMessage());
        IdxFormatException garbage = fails(concat(gz, new byte[] {0, 0, 0}));
        assertTrue(
                garbage.getMessage().contains("gzip member magic at compressed offset " + gz.length),
                garbage.getMessage());
        byte[] method = gz.clone();
        method[2] = 7;
        assertTrue(fails(method)
                .getMessage()
                .contains("compression method at compressed offset 2: expected 8 (deflate), actual 7"));
        byte[] reserved = gz.clone();
        reserved[3] = (byte) 0x80;
        assertTrue(fails(reserved).getMessage().contains("flags at compressed offset 3"));
    }

    @Test
    void ignoresTheInformativeGzipHeaderFields() {
        byte[] gz = IdxBytes.gzip(RAW);
        for (int i = 4; i < 10; i++) {
            gz[i] = (byte) 0xA5; // mtime, extra flags, operating system
        }
        gz[3] |= 0x01; // FTEXT is a hint only
        assertArrayEquals(DATA, read(gz).data());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

package dev.gradlab.data;

import java.util.zip.ZipException;

/** A malformed gzip stream, located by its offset in the compressed bytes. */
final class GzipFormatException extends ZipException {

    final long offset;
    final String field;
    final String expected;
    final String actual;

    GzipFormatException(long offset, String field, String expected, String actual) {
        super("gzip " + field + " at compressed offset " + offset + ": expected " + expected + ", actual " + actual);
        this.offset = offset;
        this.field = field;
        this.expected = expected;
        this.actual = actual;
    }
}

package dev.gradlab.data;

/** A file's SHA-256 digest is not the one pinned for it; the message names the file and both digests. */
public final class DigestMismatchException extends DatasetException {

    private final String expected;
    private final String actual;

    public DigestMismatchException(String source, String expected, String actual) {
        super(source + ": SHA-256 of the IDX content: expected " + expected + ", actual " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}

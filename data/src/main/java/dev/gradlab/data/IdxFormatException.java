package dev.gradlab.data;

/**
 * An IDX file (raw or gzip) is malformed: a wrong magic number or element type, impossible
 * dimensions, too few or too many bytes, a broken gzip stream, or contents that do not fit the
 * data set (image size, count agreement, label range). Nothing of the file is returned when this
 * is thrown.
 */
public final class IdxFormatException extends DatasetException {

    private final String source;

    /**
     * @param source the file or resource being read
     * @param field  what is wrong and where, e.g. "magic number at offset 0"
     */
    public IdxFormatException(String source, String field, String expected, String actual) {
        super(source + ": " + field + ": expected " + expected + ", actual " + actual);
        this.source = source;
    }

    /** The file or resource that failed to read. */
    public String source() {
        return source;
    }
}

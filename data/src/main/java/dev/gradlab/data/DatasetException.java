package dev.gradlab.data;

/**
 * A data set could not be found, fetched or verified. The message says which file or address and
 * what was expected instead of what was found.
 */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}

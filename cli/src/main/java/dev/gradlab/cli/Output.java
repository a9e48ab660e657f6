package dev.gradlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing the command's own files so that every I/O error names the file, a full disk included. */
final class Output {

    private Output() {}

    /** What writes a file's bytes. */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code file} with {@code body}. */
    static void write(Path file, Body body) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            body.write(out);
        } catch (IOException e) {
            throw withPath(file, e);
        }
    }

    /**
     * {@code e}, or, when it does not name a file (an error while writing, such as a full disk,
     * names none), a {@link FileSystemException} naming {@code file} with {@code e}'s message.
     */
    static IOException withPath(Path file, IOException e) {
        if (e instanceof FileSystemException) {
            return e;
        }
        Throwable root = e;
        while (root.getCause() instanceof IOException cause) {
            root = cause;
        }
        FileSystemException named = new FileSystemException(
                file.toString(),
                null,
                root.getMessage() != null ? root.getMessage() : e.getClass().getSimpleName());
        named.initCause(e);
        return named;
    }
}

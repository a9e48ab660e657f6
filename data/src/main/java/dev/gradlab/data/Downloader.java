package dev.gradlab.data;

import dev.gradlab.core.ShutdownCleanup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches one data file over HTTP(S) into a temporary file beside its destination, verifies it
 * (a valid IDX file whose content has the pinned SHA-256), and only then renames it into place
 * atomically. Whatever goes wrong, the temporary file is removed and the destination untouched; a
 * JVM stopped by a signal (Ctrl-C) removes it in a shutdown hook.
 *
 * <p>A transfer cannot hang: connecting and every read of the body wait at most the read timeout,
 * and the whole file must arrive before the deadline (checked after every read, so a server that
 * trickles bytes fails at the deadline plus at most one read timeout).
 */
final class Downloader {

    /** How long a connection or one read may wait for the server. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** How long one file may take in all: 26 MB, the largest, at 45 kB/s. */
    static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);

    private final Duration readTimeout;
    private final Duration deadline;

    Downloader(Duration readTimeout, Duration deadline) {
        this.readTimeout = readTimeout;
        this.deadline = deadline;
    }

    /**
     * Downloads {@code uri} to {@code target}.
     *
     * @throws UncheckedIOException if the server cannot be reached at all (no response)
     * @throws DatasetException     on an HTTP error, a broken, stalled or too slow transfer, an invalid
     *                              file or a digest mismatch
     */
    void fetch(URI uri, Path target, DatasetFiles.DataFile expected) {
        Path temp;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new DatasetException(
                    target.getParent() + ": cannot create a temporary file to download " + target.getFileName()
                            + " into: " + e,
                    e);
        }
        ShutdownCleanup.register(temp);
        try {
            transfer(uri, temp);
            IdxArray idx;
            try {
                idx = IdxReader.read(temp);
            } catch (IdxFormatException e) {
                throw new DatasetException(
                        uri + ": the downloaded file is not a valid IDX file (" + e.getMessage()
                                + "); expected the SHA-256 of its IDX content to be " + expected.sha256()
                                + ", the downloaded bytes have SHA-256 " + sha256(temp),
                        e);
            }
            if (!idx.sha256().equals(expected.sha256())) {
                throw new DigestMismatchException(uri.toString(), expected.sha256(), idx.sha256());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DatasetException(target + ": cannot move the verified download into place: " + e, e);
        } finally {
            ShutdownCleanup.remove(temp);
        }
    }

    private void transfer(URI uri, Path temp) {
        long start = System.nanoTime();
        HttpURLConnection connection;
        int status;
        try {
            URLConnection c = uri.toURL().openConnection();
            if (!(c instanceof HttpURLConnection http)) {
                throw new DatasetException(uri + ": expected an http or https address, actual " + uri.getScheme());
            }
            connection = http;
            connection.setConnectTimeout(millis(readTimeout));
            connection.setReadTimeout(millis(readTimeout));
            connection.setInstanceFollowRedirects(true);
            status = connection.getResponseCode();
        } catch (SocketTimeoutException e) {
            throw new DatasetException(
                    uri + ": no response within the read timeout of " + seconds(readTimeout) + " (" + e.getMessage()
                            + ")",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e, e);
        }
        long declared = connection.getContentLengthLong();
        long copied = 0;
        try {
            if (status != 200) {
                throw new DatasetException(uri + ": HTTP status: expected 200, actual " + status);
            }
            try (InputStream body = connection.getInputStream();
                    OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    copied += n;
                    if (System.nanoTime() - start > deadline.toNanos()) {
                        throw new DatasetException(uri + ": transfer too slow: expected the whole file within "
                                + seconds(deadline) + ", actual " + copied + " of " + length(declared)
                                + " bytes by then");
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            throw new DatasetException(
                    uri + ": transfer stalled after " + copied + " of " + length(declared)
                            + " bytes: no data for the read timeout of " + seconds(readTimeout),
                    e);
        } catch (IOException e) {
            throw new DatasetException(
                    uri + ": transfer broke after " + copied + " of " + length(declared) + " bytes: " + e, e);
        } finally {
            connection.disconnect();
        }
        if (declared >= 0 && copied != declared) {
            throw new DatasetException(uri + ": transfer length: expected " + declared + " bytes, actual " + copied);
        }
    }

    private static String length(long declared) {
        return declared < 0 ? "an unknown number of" : Long.toString(declared);
    }

    private static String seconds(Duration d) {
        return (d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0))
                + " s";
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static String sha256(Path file) {
        MessageDigest digest = IdxReader.newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

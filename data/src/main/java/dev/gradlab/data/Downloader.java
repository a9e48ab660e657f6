package dev.gradlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches one data file over HTTP(S) into a temporary file beside its destination, verifies it
 * (a valid IDX file whose content has the pinned SHA-256), and only then renames it into place
 * atomically. Whatever goes wrong, the temporary file is removed and the destination untouched.
 */
final class Downloader {

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .proxy(ProxySelector.getDefault())
            .build();

    /**
     * Downloads {@code uri} to {@code target}.
     *
     * @throws UncheckedIOException if the server cannot be reached at all (no response)
     * @throws DatasetException     on an HTTP error, a broken transfer, an invalid file or a digest mismatch
     */
    void fetch(URI uri, Path target, DatasetFiles.DataFile expected) {
        Path temp;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new DatasetException(target.getParent() + ": cannot create a temporary file to download "
                    + target.getFileName() + " into: " + e, e);
        }
        try {
            transfer(uri, temp);
            IdxArray idx;
            try {
                idx = IdxReader.read(temp);
            } catch (IdxFormatException e) {
                throw new DatasetException(uri + ": the downloaded file is not a valid IDX file (" + e.getMessage()
                        + "); expected the SHA-256 of its IDX content to be " + expected.sha256()
                        + ", the downloaded bytes have SHA-256 " + sha256(temp), e);
            }
            if (!idx.sha256().equals(expected.sha256())) {
                throw new DigestMismatchException(uri.toString(), expected.sha256(), idx.sha256());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DatasetException(target + ": cannot move the verified download into place: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // The original failure (if any) matters more than a leftover temporary file.
            }
        }
    }

    private void transfer(URI uri, Path temp) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException(uri + ": interrupted while connecting", e);
        }
        long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
        long copied = 0;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new DatasetException(uri + ": HTTP status: expected 200, actual " + response.statusCode());
            }
            try (OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    copied += n;
                }
            }
        } catch (IOException e) {
            throw new DatasetException(uri + ": transfer broke after " + copied + " of "
                    + (declared < 0 ? "an unknown number of" : Long.toString(declared)) + " bytes: " + e, e);
        }
        if (declared >= 0 && copied != declared) {
            throw new DatasetException(uri + ": transfer length: expected " + declared + " bytes, actual " + copied);
        }
    }

    private static String sha256(Path file) {
        MessageDigest digest = IdxReader.newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

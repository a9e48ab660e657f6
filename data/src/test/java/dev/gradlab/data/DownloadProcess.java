package dev.gradlab.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** A separate JVM that downloads into a cache, for the test that stops it with a signal mid-transfer. */
final class DownloadProcess {

    private DownloadProcess() {}

    /** Arguments: home directory, base address. */
    public static void main(String[] args) {
        DataLocator locator = DataLocator.defaults()
                .withHome(Path.of(args[0]))
                .withEnvironment(Map.of())
                .withSystemDirectories(false)
                .withBaseUri(URI.create(args[1]));
        Mnist.locate(null, true, locator);
    }
}

package dev.gradlab.data;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the full files of a data set, in this order: an explicit directory; else
 * {@code $GRADLAB_DATA/<dataset>}; else {@code <cache>/gradlab/<dataset>}, where {@code <cache>} is
 * {@code $XDG_CACHE_HOME} when set, else {@code $HOME/.cache}; else the directory a
 * distribution installs it in ({@code /usr/share/datasets/fashion-mnist} on Debian); else, when
 * allowed, downloads it into the explicit directory, {@code $GRADLAB_DATA/<dataset>} or the cache,
 * whichever comes first. {@code <dataset>} is {@code fashion-mnist} or {@code mnist}. An explicit
 * directory is the only one searched. A directory that holds all four files is chosen even if they
 * turn out to be damaged: loading then fails on their digests rather than quietly using another copy.
 *
 * <p>Immutable; the {@code with...} methods return a changed copy. The home directory, the
 * environment, the system directories and the download address can be replaced, so that tests and
 * sandboxed programs never touch the real ones.
 */
public final class DataLocator {

    /** Environment variable naming a directory whose {@code <dataset>} subdirectories hold data sets. */
    public static final String ENVIRONMENT_VARIABLE = "GRADLAB_DATA";

    /** Environment variable naming the user's cache directory (the XDG base directory specification). */
    public static final String CACHE_VARIABLE = "XDG_CACHE_HOME";

    private final Path home;
    private final Function<String, String> environment;
    private final boolean systemDirectories;
    private final URI baseUri;
    private final Duration readTimeout;
    private final Duration deadline;

    private DataLocator(
            Path home,
            Function<String, String> environment,
            boolean systemDirectories,
            URI baseUri,
            Duration readTimeout,
            Duration deadline) {
        this.home = home;
        this.environment = environment;
        this.systemDirectories = systemDirectories;
        this.baseUri = baseUri;
        this.readTimeout = readTimeout;
        this.deadline = deadline;
    }

    /**
     * The user's home ({@code $HOME}, else Java's {@code user.home}) and environment, system
     * directories searched, the data sets' public addresses, downloads with a read timeout of 30 s and
     * a deadline of 10 minutes per file.
     */
    public static DataLocator defaults() {
        String home = System.getenv("HOME");
        return new DataLocator(
                Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home),
                System::getenv,
                true,
                null,
                Downloader.DEFAULT_READ_TIMEOUT,
                Downloader.DEFAULT_DEADLINE);
    }

    /** Uses {@code home/.cache/gradlab} as the cache, unless the environment sets {@value #CACHE_VARIABLE}. */
    public DataLocator withHome(Path home) {
        if (home == null) {
            throw new IllegalArgumentException("home must not be null");
        }
        return new DataLocator(home, environment, systemDirectories, baseUri, readTimeout, deadline);
    }

    /**
     * Downloads wait at most {@code readTimeout} to connect and for each read, and give up on a file
     * that has not arrived in full after {@code deadline}.
     */
    public DataLocator withDownloadLimits(Duration readTimeout, Duration deadline) {
        for (Duration d : new Duration[] {readTimeout, deadline}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("download limits must be positive durations, got " + d);
            }
        }
        return new DataLocator(home, environment, systemDirectories, baseUri, readTimeout, deadline);
    }

    /** Reads {@value #ENVIRONMENT_VARIABLE} from {@code environment} instead of the process environment. */
    public DataLocator withEnvironment(Map<String, String> environment) {
        if (environment == null) {
            throw new IllegalArgumentException("environment must not be null");
        }
        Map<String, String> copy = Map.copyOf(environment);
        return new DataLocator(home, copy::get, systemDirectories, baseUri, readTimeout, deadline);
    }

    /** Whether to search the directories distributions install data sets in. */
    public DataLocator withSystemDirectories(boolean search) {
        return new DataLocator(home, environment, search, baseUri, readTimeout, deadline);
    }

    /**
     * Downloads from {@code baseUri} (the four file names are resolved against it) instead of the data
     * set's public address or the {@code gradlab.data.<dataset>.url} system property.
     */
    public DataLocator withBaseUri(URI baseUri) {
        return new DataLocator(
                home,
                environment,
                systemDirectories,
                baseUri == null ? null : directory(baseUri),
                readTimeout,
                deadline);
    }

    /** {@code $XDG_CACHE_HOME/gradlab/<dataset>}, or {@code <home>/.cache/gradlab/<dataset>} when it is not set. */
    public Path cacheDirectory(String dataset) {
        String xdg = environment.apply(CACHE_VARIABLE);
        // The specification says to ignore a relative value.
        Path cache = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return cache.resolve("gradlab").resolve(dataset);
    }

    /** Returns a directory holding all four files of {@code spec}, downloading them if needed and allowed. */
    Path locate(DatasetFiles spec, Path explicit, boolean allowDownload) {
        List<Path> searched = new ArrayList<>();
        if (explicit != null) {
            searched.add(explicit);
        } else {
            String variable = environment.apply(ENVIRONMENT_VARIABLE);
            if (variable != null && !variable.isBlank()) {
                searched.add(Path.of(variable).resolve(spec.directoryName()));
            }
            searched.add(cacheDirectory(spec.directoryName()));
            if (systemDirectories && spec.systemDirectory() != null) {
                searched.add(spec.systemDirectory());
            }
        }
        for (Path dir : searched) {
            if (MnistFormat.complete(dir, spec)) {
                return dir;
            }
        }
        // A download goes to the first directory searched: the explicit one, $GRADLAB_DATA/<dataset> or the cache.
        Path target = searched.get(0);
        if (!allowDownload) {
            throw notFound(spec, searched, target);
        }
        download(spec, target, searched);
        return target;
    }

    private void download(DatasetFiles spec, Path target, List<Path> searched) {
        URI base = baseUri(spec);
        try {
            Files.createDirectories(target);
        } catch (java.io.IOException e) {
            throw new DatasetException(
                    target + ": cannot create the directory to download " + spec.displayName() + " into: " + e + ". "
                            + whereToPut(spec, searched, target),
                    e);
        }
        Downloader downloader = new Downloader(readTimeout, deadline);
        for (DatasetFiles.DataFile f : spec.files()) {
            if (MnistFormat.find(target, f.name()) != null) {
                continue;
            }
            URI uri = base.resolve(f.name() + ".gz");
            try {
                downloader.fetch(uri, target.resolve(f.name() + ".gz"), f);
            } catch (UncheckedIOException e) {
                throw new DatasetException(
                        "cannot download " + spec.displayName() + " from " + uri + " (" + e.getCause() + "). "
                                + whereToPut(spec, searched, target),
                        e);
            }
        }
    }

    private URI baseUri(DatasetFiles spec) {
        if (baseUri != null) {
            return baseUri;
        }
        String property = System.getProperty(spec.baseUriProperty());
        return directory(property == null || property.isBlank() ? spec.publicBaseUri() : URI.create(property));
    }

    private static URI directory(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? uri : URI.create(s + "/");
    }

    private DatasetException notFound(DatasetFiles spec, List<Path> searched, Path target) {
        return new DatasetException(spec.displayName() + " not found: expected all four files in one of "
                + searched + ", actual none of them holds all four. " + whereToPut(spec, searched, target)
                + " Or allow the download from " + baseUri(spec) + ".");
    }

    private static String whereToPut(DatasetFiles spec, List<Path> searched, Path target) {
        String names = spec.files().stream().map(f -> f.name() + ".gz").collect(Collectors.joining(", "));
        return "Put the files " + names + " (gzip or uncompressed) in " + target
                + (searched.size() > 1 || !searched.get(0).equals(target) ? " or any of " + searched : "")
                + ", or name their directory explicitly or through " + ENVIRONMENT_VARIABLE
                + "=<dir> with the files in <dir>/" + spec.directoryName() + "."
                + (spec.systemDirectory() == null
                        ? ""
                        : " On Debian, apt-get install dataset-" + spec.directoryName() + " installs them in "
                                + spec.systemDirectory() + ".");
    }
}

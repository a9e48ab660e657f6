package dev.gradlab.cluster;

import dev.gradlab.core.Tensor;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.simd.Simd;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What must be equal on a trainer and its workers for their losses to be the same to the bit: the
 * library's version, a digest of the code that computes (the jars of simd, core, data, optim and
 * cluster, or their class directories) and the kernels in use (a vector width changes the rounding).
 */
record Identity(String version, String code, String kernels) {

    private static volatile Identity local;

    /** This process's identity, computed once. */
    static Identity local() {
        Identity id = local;
        if (id == null) {
            Set<Path> sources = new LinkedHashSet<>();
            for (Class<?> c :
                    List.of(Simd.class, Tensor.class, Dataset.class, EvolutionStrategies.class, Identity.class)) {
                try {
                    sources.add(Path.of(c.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI()));
                } catch (URISyntaxException | NullPointerException e) {
                    throw new IllegalStateException("cannot locate the code of " + c.getName(), e);
                }
            }
            MessageDigest digest = sha256();
            for (Path p : sources) {
                digestTree(p, digest);
            }
            // The implementations and their vector width, not the reason a scalar one was chosen.
            String kernels = Simd.vectorized() ? Simd.kernels() + ", " + Simd.gemm() : "scalar";
            id = new Identity(libraryVersion(), HexFormat.of().formatHex(digest.digest()), kernels);
            local = id;
        }
        return id;
    }

    /** Why a worker of identity {@code worker} is refused by a trainer of this identity, or null. */
    String mismatch(Identity worker) {
        if (!version.equals(worker.version)) {
            return "library version " + worker.version + " differs from the trainer's " + version;
        }
        if (!code.equals(worker.code)) {
            return "jar digest " + shortDigest(worker.code) + " differs from the trainer's " + shortDigest(code)
                    + " (same version " + version + ", other build)";
        }
        if (!kernels.equals(worker.kernels)) {
            return "kernels '" + worker.kernels + "' differ from the trainer's '" + kernels + "'";
        }
        return null;
    }

    static String shortDigest(String hex) {
        return hex.length() > 16 ? hex.substring(0, 16) : hex;
    }

    /** SHA-256 of a data set: its shape, every pixel's bits and every label. */
    static String digest(Dataset data) {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(data.size()).putInt(data.features()).putInt(data.classes());
        for (float v : data.images()) {
            if (buffer.remaining() < 4) {
                digest.update(buffer.flip());
                buffer.clear();
            }
            buffer.putInt(Float.floatToRawIntBits(v));
        }
        for (int label : data.labels()) {
            if (buffer.remaining() < 4) {
                digest.update(buffer.flip());
                buffer.clear();
            }
            buffer.putInt(label);
        }
        digest.update(buffer.flip());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String libraryVersion() {
        try (InputStream in = Identity.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "dev/gradlab/cluster/version.properties is missing from the cluster jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/gradlab/cluster/version.properties", e);
        }
    }

    /** A jar's bytes, or a class directory's files in path order with their relative names. */
    private static void digestTree(Path root, MessageDigest digest) {
        try {
            if (Files.isRegularFile(root)) {
                digest.update(Files.readAllBytes(root));
                return;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                digest.update(root.relativize(f)
                        .toString()
                        .replace('\\', '/')
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code at " + root + " to digest it", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

package dev.gradlab.optim;

import dev.gradlab.core.io.AtomicFile;
import dev.gradlab.core.io.BinaryReader;
import dev.gradlab.core.io.HeapBudget;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * An individual of a {@link GeneticAlgorithm} as the chain of seeds that made it (Such et al. 2017,
 * "Deep Neuroevolution"), never a weight vector: the network {@code architecture.build(initialSeed)}
 * followed by one mutation {@code θ ← θ + σ·E(seed_k)} per seed, in order, {@code E} being the
 * direction of {@code Population.ofSeeds(perturbation, σ, seed_k)}. {@link #rebuild()} replays the
 * chain and gives the weights the algorithm held, bit for bit.
 *
 * <p>The file {@value #FILE_NAME}, every number big-endian (Java's {@code DataOutput}):
 * <pre>
 * offset    bytes  field
 * 0         8      magic, the ASCII bytes "GRADLABG"
 * 8         4      format version, int32 = 1
 * 12        4      layer count L, int32, 2..64
 * 16        4·L    layer sizes from input to output, int32, each >= 1
 * 16+4L     1      activation after every hidden layer: 0 sigmoid, 1 relu, 2 requ, 3 tanh
 * 17+4L     1      bias: 0 none, 1 every linear layer has one
 * 18+4L     4      σ, float32, finite and > 0
 * 22+4L     4      perturbation: 0 full-rank, r >= 1 low-rank of rank r
 * 26+4L     8      initial seed, int64
 * 34+4L     4      mutation count n, int32 >= 0
 * 38+4L     8·n    the mutation seeds, int64, in the order they were applied
 * 38+4L+8n  4      CRC-32 of every byte before it
 * </pre>
 * The reference network (784-512-10) after 1,000 mutations takes 8,054 bytes. A reader rejects a
 * wrong magic or version, a field out of range, a truncated or overlong file and a checksum mismatch
 * with a {@link ModelFormatException} naming the file and the byte offset.
 */
public final class Genome {

    public static final String FILE_NAME = "genome.bin";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "GRADLABG".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LAYERS = 64;
    private static final long MAX_FILE = 1L << 28;
    private static final Activation[] ACTIVATIONS = {Activation.SIGMOID, Activation.RELU, Activation.REQU,
            Activation.TANH};

    private final Architecture architecture;
    private final float sigma;
    private final Perturbation perturbation;
    private final long initialSeed;
    private final long[] mutations;

    /**
     * @throws IllegalArgumentException when an argument is null or σ is not finite and positive
     */
    public Genome(Architecture architecture, float sigma, Perturbation perturbation, long initialSeed,
                  long... mutations) {
        if (architecture == null || perturbation == null || mutations == null) {
            throw new IllegalArgumentException("architecture, perturbation and mutations must not be null");
        }
        this.architecture = architecture;
        this.sigma = Checks.positive("sigma", sigma);
        this.perturbation = perturbation;
        this.initialSeed = initialSeed;
        this.mutations = mutations.clone();
    }

    /** This genome followed by one more mutation. */
    public Genome mutate(long seed) {
        long[] chain = Arrays.copyOf(mutations, mutations.length + 1);
        chain[mutations.length] = seed;
        return new Genome(architecture, sigma, perturbation, initialSeed, chain);
    }

    public Architecture architecture() {
        return architecture;
    }

    public float sigma() {
        return sigma;
    }

    public Perturbation perturbation() {
        return perturbation;
    }

    public long initialSeed() {
        return initialSeed;
    }

    /** The mutation seeds, first applied first. */
    public long[] mutations() {
        return mutations.clone();
    }

    /** The network this chain describes: the initial weights, then every mutation in order. */
    public Sequential rebuild() {
        Sequential model = architecture.build(initialSeed);
        for (long seed : mutations) {
            applyMutation(model, seed);
        }
        return model;
    }

    /** {@code θ ← θ + σ·E(seed)} on {@code model}'s parameters: one link of the chain. */
    void applyMutation(Sequential model, long seed) {
        Population.ofSeeds(perturbation, sigma, seed).apply(0, sigma, model.parameters());
    }

    /** The file's length for this genome. */
    public int fileLength() {
        return 42 + 4 * architecture.sizes().length + 8 * mutations.length;
    }

    /** Writes {@value #FILE_NAME}'s format to {@code file}, replacing it atomically. */
    public void write(Path file) throws IOException {
        int[] sizes = architecture.sizes();
        ByteBuffer b = ByteBuffer.allocate(fileLength());
        b.put(MAGIC).putInt(VERSION).putInt(sizes.length);
        for (int s : sizes) {
            b.putInt(s);
        }
        b.put((byte) Arrays.asList(ACTIVATIONS).indexOf(architecture.activation()));
        b.put((byte) (architecture.bias() ? 1 : 0));
        b.putFloat(sigma).putInt(perturbation.rank()).putLong(initialSeed).putInt(mutations.length);
        for (long m : mutations) {
            b.putLong(m);
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        AtomicFile.write(file, out -> out.write(b.array()));
    }

    /**
     * Reads a genome file.
     *
     * @throws ModelFormatException when the file is not a valid genome file; the message names the
     *     file, the byte offset and what was expected there
     */
    public static Genome read(Path file) throws IOException {
        BinaryReader in = BinaryReader.open(file, MAX_FILE, "a " + FILE_NAME + " written by gradlab train --method ga",
                ByteOrder.BIG_ENDIAN);
        byte[] magic = in.bytes(MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error(0, "not a gradlab genome file: magic must be \"GRADLABG\", got \""
                    + new String(magic, StandardCharsets.ISO_8859_1) + "\"");
        }
        int version = in.int32("format version");
        if (version != VERSION) {
            throw in.error(8, "format version must be " + VERSION + ", got " + version);
        }
        int layers = in.int32("layer count");
        if (layers < 2 || layers > MAX_LAYERS) {
            throw in.error(12, "layer count must be in [2, " + MAX_LAYERS + "], got " + layers);
        }
        int[] sizes = new int[layers];
        for (int i = 0; i < layers; i++) {
            int at = in.position();
            sizes[i] = in.int32("layer size " + i);
            if (sizes[i] < 1) {
                throw in.error(at, "layer size " + i + " must be >= 1, got " + sizes[i]);
            }
        }
        int at = in.position();
        int activation = in.int8("activation");
        if (activation < 0 || activation >= ACTIVATIONS.length) {
            throw in.error(at, "activation must be 0..3 (sigmoid, relu, requ, tanh), got " + activation);
        }
        int bias = in.int8("bias");
        if (bias != 0 && bias != 1) {
            throw in.error(at + 1, "bias must be 0 or 1, got " + bias);
        }
        at = in.position();
        float sigma = in.float32("sigma");
        if (!(sigma > 0) || !Float.isFinite(sigma)) {
            throw in.error(at, "sigma must be finite and > 0, got " + sigma);
        }
        at = in.position();
        int rank = in.int32("perturbation");
        if (rank < 0) {
            throw in.error(at, "perturbation must be 0 (full-rank) or a rank >= 1, got " + rank);
        }
        long initialSeed = in.int64("initial seed");
        at = in.position();
        int count = in.int32("mutation count");
        long expected = at + 4L + 8L * count + 4L;
        if (count < 0 || expected != in.size()) {
            throw in.error(at, "the mutation count " + count + " needs a file of " + expected + " bytes, got "
                    + in.size() + (expected > in.size() ? " (truncated)" : ""));
        }
        long[] mutations = new long[count];
        for (int k = 0; k < count; k++) {
            mutations[k] = in.int64("mutation seed " + k);
        }
        int crcAt = in.position();
        int computed = (int) in.crc32(0, crcAt);
        int stored = in.int32("checksum");
        if (stored != computed) {
            throw in.error(crcAt, String.format("checksum mismatch: stored %08x, computed %08x over the preceding"
                    + " bytes; the file is corrupt", stored, computed));
        }
        Architecture architecture = new Architecture(sizes, ACTIVATIONS[activation], bias == 1);
        HeapBudget.require(parameterBytes(sizes), file + ": the network " + architecture);
        return new Genome(architecture, sigma, rank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(rank),
                initialSeed, mutations);
    }

    /** The bytes of the network's floats, saturating at {@link Long#MAX_VALUE} (64 layers of 2^31 overflow). */
    private static long parameterBytes(int[] sizes) {
        long bytes = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            long layer = 4L * sizes[i + 1] * (sizes[i] + 1L);
            bytes = layer > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : bytes + layer;
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genome g && architecture.equals(g.architecture) && Float.compare(sigma, g.sigma) == 0
                && perturbation.rank() == g.perturbation.rank() && initialSeed == g.initialSeed
                && Arrays.equals(mutations, g.mutations);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mutations) * 31 + Long.hashCode(initialSeed);
    }

    @Override
    public String toString() {
        return "Genome(" + architecture + ", sigma=" + sigma + ", " + perturbation + ", initial seed " + initialSeed
                + ", " + mutations.length + " mutations)";
    }
}

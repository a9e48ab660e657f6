package dev.gradlab.optim;

import dev.gradlab.core.io.AtomicFile;
import dev.gradlab.core.io.BinaryReader;
import dev.gradlab.core.io.HeapBudget;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.zip.CRC32;

/**
 * An individual of a {@link GeneticAlgorithm} as the chain of seeds that made it (Such et al. 2017,
 * "Deep Neuroevolution"), never a weight vector: the network {@code spec.build(initialSeed)}
 * followed by one mutation {@code θ ← θ + σ·E(seed_k)} per seed, in order, {@code E} being the
 * direction of {@code Population.ofSeeds(perturbation, σ, seed_k)}. {@link #rebuild()} replays the
 * chain and gives the weights the algorithm held, bit for bit.
 *
 * <p>The file {@value #FILE_NAME}, every number big-endian (Java's {@code DataOutput}):
 * <pre>
 * offset    bytes  field
 * 0         8      magic, the ASCII bytes "GRADLABG"
 * 8         4      format version, int32 = 2
 * 12        4      spec length S, int32, 2..2^20
 * 16        S      the model's {@link ModelSpec} as UTF-8 JSON
 * 16+S      4      σ, float32, finite and > 0
 * 20+S      4      perturbation: 0 full-rank, r >= 1 low-rank of rank r
 * 24+S      8      initial seed, int64
 * 32+S      4      mutation count n, int32 >= 0
 * 36+S      8·n    the mutation seeds, int64, in the order they were applied
 * 36+S+8n   4      CRC-32 of every byte before it
 * </pre>
 * Files of format version 1, written before specs, still load: there an MLP's layer count L, its
 * L sizes (int32), activation (int8: 0 sigmoid, 1 relu, 2 requ, 3 tanh) and bias (int8: 0 or 1)
 * stand in place of the spec, and the rest follows as above. A reader rejects a wrong magic or
 * version, a field out of range, a truncated or overlong file and a checksum mismatch with a
 * {@link ModelFormatException} naming the file and the byte offset.
 */
public final class Genome {

    public static final String FILE_NAME = "genome.bin";
    static final int VERSION = 2;
    private static final byte[] MAGIC = "GRADLABG".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LAYERS = 64;
    private static final int MAX_SPEC = 1 << 20;
    private static final long MAX_FILE = 1L << 28;
    private static final Activation[] ACTIVATIONS = {
        Activation.SIGMOID, Activation.RELU, Activation.REQU, Activation.TANH
    };

    private final ModelSpec spec;
    private final LongFunction<Sequential> model;
    private final byte[] specBytes;
    private final float sigma;
    private final Perturbation perturbation;
    private final long initialSeed;
    private final long[] mutations;

    /**
     * @throws IllegalArgumentException when an argument is null or σ is not finite and positive
     */
    public Genome(ModelSpec spec, float sigma, Perturbation perturbation, long initialSeed, long... mutations) {
        this(Objects.requireNonNull(spec, "spec"), spec::build, sigma, perturbation, initialSeed, mutations);
    }

    /**
     * The genome of a model without a spec, such as one holding a user's own module:
     * {@code model.apply(seed)} builds it. It rebuilds as any genome, but cannot be written.
     */
    public Genome(
            LongFunction<Sequential> model,
            float sigma,
            Perturbation perturbation,
            long initialSeed,
            long... mutations) {
        this(null, Objects.requireNonNull(model, "model"), sigma, perturbation, initialSeed, mutations);
    }

    private Genome(
            ModelSpec spec,
            LongFunction<Sequential> model,
            float sigma,
            Perturbation perturbation,
            long initialSeed,
            long... mutations) {
        if (perturbation == null || mutations == null) {
            throw new IllegalArgumentException("perturbation and mutations must not be null");
        }
        this.spec = spec;
        this.model = model;
        this.specBytes = spec == null ? null : spec.json().getBytes(StandardCharsets.UTF_8);
        this.sigma = Checks.positive("sigma", sigma);
        this.perturbation = perturbation;
        this.initialSeed = initialSeed;
        this.mutations = mutations.clone();
    }

    /** The genome of an MLP: {@code architecture.spec()}. */
    public Genome(
            Architecture architecture, float sigma, Perturbation perturbation, long initialSeed, long... mutations) {
        this(Objects.requireNonNull(architecture, "architecture").spec(), sigma, perturbation, initialSeed, mutations);
    }

    /** This genome followed by one more mutation. */
    public Genome mutate(long seed) {
        long[] chain = Arrays.copyOf(mutations, mutations.length + 1);
        chain[mutations.length] = seed;
        return new Genome(spec, model, sigma, perturbation, initialSeed, chain);
    }

    /** The model every link of the chain mutates, or null for a model without a spec (a user's module). */
    public ModelSpec spec() {
        return spec;
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
        Sequential network = model.apply(initialSeed);
        for (long seed : mutations) {
            applyMutation(network, seed);
        }
        return network;
    }

    /** {@code θ ← θ + σ·E(seed)} on {@code model}'s parameters: one link of the chain. */
    void applyMutation(Sequential model, long seed) {
        Population.ofSeeds(perturbation, sigma, seed).apply(0, sigma, model.parameters());
    }

    /** The file's length for this genome. */
    public int fileLength() {
        if (specBytes == null) {
            throw new IllegalStateException("a genome of a model without a spec (a user's module) has no file: write"
                    + " the rebuilt model's tensors with ModelFile.save instead");
        }
        return 40 + specBytes.length + 8 * mutations.length;
    }

    /** Writes {@value #FILE_NAME}'s format to {@code file}, replacing it atomically. */
    public void write(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(fileLength());
        b.put(MAGIC).putInt(VERSION).putInt(specBytes.length).put(specBytes);
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
        BinaryReader in = BinaryReader.open(
                file, MAX_FILE, "a " + FILE_NAME + " written by gradlab train --method ga", ByteOrder.BIG_ENDIAN);
        byte[] magic = in.bytes(MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error(
                    0,
                    "not a gradlab genome file: magic must be \"GRADLABG\", got \""
                            + new String(magic, StandardCharsets.ISO_8859_1) + "\"");
        }
        int version = in.int32("format version");
        if (version != VERSION && version != 1) {
            throw in.error(8, "format version must be " + VERSION + " (or 1, written before specs), got " + version);
        }
        // The spec is parsed after the checksum is verified, so that damage is reported as damage.
        Architecture mlp = version == 1 ? architecture(in) : null;
        String json = version == 1 ? null : specText(in);
        int at = in.position();
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
            throw in.error(
                    at,
                    "the mutation count " + count + " needs a file of " + expected + " bytes, got " + in.size()
                            + (expected > in.size() ? " (truncated)" : ""));
        }
        long[] mutations = new long[count];
        for (int k = 0; k < count; k++) {
            mutations[k] = in.int64("mutation seed " + k);
        }
        int crcAt = in.position();
        int computed = (int) in.crc32(0, crcAt);
        int stored = in.int32("checksum");
        if (stored != computed) {
            throw in.error(
                    crcAt,
                    String.format(
                            "checksum mismatch: stored %08x, computed %08x over the preceding"
                                    + " bytes; the file is corrupt",
                            stored, computed));
        }
        ModelSpec spec = mlp != null ? mlp.spec() : spec(in, json);
        return new Genome(
                spec, sigma, rank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(rank), initialSeed, mutations);
    }

    /** A version 2 file's spec text, at byte 12. */
    private static String specText(BinaryReader in) {
        int length = in.int32("spec length");
        if (length < 2 || length > MAX_SPEC) {
            throw in.error(12, "spec length must be in [2, " + MAX_SPEC + "], got " + length);
        }
        return new String(in.bytes(length, "spec"), StandardCharsets.UTF_8);
    }

    /** The spec {@code json} describes, and that the heap can hold. */
    private static ModelSpec spec(BinaryReader in, String json) {
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(json);
        } catch (IllegalArgumentException e) {
            throw in.error(16, "the spec does not describe a model: " + e.getMessage());
        }
        HeapBudget.require(
                4 * Math.min(spec.parameterCount(), Long.MAX_VALUE / 4), in.file() + ": the network " + spec);
        return spec;
    }

    /** A version 1 file's MLP, at byte 12. */
    private static Architecture architecture(BinaryReader in) {
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
        Architecture architecture = new Architecture(sizes, ACTIVATIONS[activation], bias == 1);
        HeapBudget.require(parameterBytes(sizes), in.file() + ": the network " + architecture);
        return architecture;
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
        return o instanceof Genome g
                && (spec != null ? spec.equals(g.spec) : model == g.model)
                && Float.compare(sigma, g.sigma) == 0
                && perturbation.rank() == g.perturbation.rank()
                && initialSeed == g.initialSeed
                && Arrays.equals(mutations, g.mutations);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mutations) * 31 + Long.hashCode(initialSeed);
    }

    @Override
    public String toString() {
        return "Genome(" + (spec != null ? spec : "a model without a spec") + ", sigma=" + sigma + ", " + perturbation
                + ", initial seed " + initialSeed + ", " + mutations.length + " mutations)";
    }
}

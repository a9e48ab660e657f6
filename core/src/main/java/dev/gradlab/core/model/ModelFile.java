package dev.gradlab.core.model;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's parameters in a {@link SafeTensors} file ({@code model.safetensors}), named as PyTorch's
 * {@code state_dict()} names them ({@link Module#stateDict()}: {@code 0.weight}, {@code 0.bias},
 * {@code features.0.weight}, ...), so that the same {@code nn.Sequential} in PyTorch loads it with
 * {@code model.load_state_dict(safetensors.torch.load_file(path), strict=True)}.
 *
 * <p>The header's {@code __metadata__} holds {@code format=gradlab-model}, the model's
 * {@link ModelSpec} as JSON ({@code spec}) when it is a {@link Sequential} of built-in modules, any
 * informational entries the writer adds, the CRC-32 of the data ({@code checksum=crc32:1a2b3c4d})
 * and that of the other entries ({@code metadata_checksum}, see {@link SafeTensors#metadataChecksum}). {@link #load} rebuilds the model from the spec; {@link #loadInto} loads the tensors by name
 * into a model the caller built, which is how a user's own module is read back. Files of the
 * earlier format {@code format=gradlab-mlp} (an MLP described by {@code layers}, {@code activation}
 * and {@code bias} entries, with the same tensor names) load as well.
 *
 * <p>Both reject with a {@link ModelFormatException}, naming the file and the byte offset,
 * everything {@link SafeTensors#read} rejects (a checksum mismatch, a value that is not finite, ...),
 * a missing checksum, a missing or malformed spec, and tensors missing, extra or of the wrong shape
 * for the model, before any parameter is written.
 */
public final class ModelFile {

    public static final String FILE_NAME = "model.safetensors";
    static final String FORMAT = "gradlab-model";
    /** The format of files written before specs: MLPs only. */
    static final String MLP_FORMAT = "gradlab-mlp";

    static final String SPEC = "spec";
    static final String METADATA_CHECKSUM = "metadata_checksum";
    private static final Set<String> RESERVED = Set.of("format", SPEC, METADATA_CHECKSUM, SafeTensors.CHECKSUM);
    private static final Set<String> MLP_RESERVED =
            Set.of("format", "layers", "activation", "bias", SafeTensors.CHECKSUM);
    private static final String EXPECTED = "a model.safetensors written by gradlab train or ModelFile.save";

    private ModelFile() {}

    /**
     * Writes {@code model}'s {@link Module#stateDict()} with the informational entries {@code info},
     * and its spec when it is a {@link Sequential} of built-in modules (a user's own module is saved
     * without one: read it back with {@link #loadInto}); replaces the file atomically.
     *
     * @throws IllegalArgumentException when a value is not finite or {@code info} sets a reserved key
     */
    public static void save(Path file, Module model, Map<String, String> info) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        if (model instanceof Sequential s && hasSpec(s)) {
            metadata.put(SPEC, ModelSpec.of(s).json());
        }
        info.forEach((key, value) -> {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("info must not set the reserved key '" + key + "'");
            }
            metadata.put(key, value);
        });
        metadata.put(METADATA_CHECKSUM, SafeTensors.metadataChecksum(metadata));
        SafeTensors.write(file, tensors(model), metadata);
    }

    /**
     * As {@link #save(Path, Module, Map)}, after checking that {@code architecture} describes
     * {@code model} ({@link Architecture#requireDescribes}).
     */
    public static void save(Path file, Architecture architecture, Module model, Map<String, String> info)
            throws IOException {
        architecture.requireDescribes(model);
        save(file, model, info);
    }

    /** The parameters of {@code model} by their PyTorch names; the entries share the parameters' arrays. */
    public static Map<String, SafeTensors.Entry> tensors(Module model) {
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((name, p) -> tensors.put(name, new SafeTensors.Entry(p.shape(), p.data())));
        return tensors;
    }

    /** Reads a model file into a new model built from the spec it holds. */
    public static SavedModel load(Path file) throws IOException {
        SafeTensors.Contents contents = read(file);
        String name = file.toString();
        Map<String, String> metadata = contents.metadata();
        ModelSpec spec = spec(name, metadata);
        Sequential model = spec.build(0);
        copy(name, contents.tensors(), model);
        return new SavedModel(spec, info(metadata), model);
    }

    /**
     * Reads a model file's tensors into {@code model} by name, as PyTorch's
     * {@code load_state_dict(strict=True)}: the names must be exactly those of the model's
     * {@link Module#stateDict()} and the shapes must match, or nothing is loaded. For a user's own
     * module, and for any model the caller builds. Returns the file's informational entries.
     */
    public static Map<String, String> loadInto(Path file, Module model) throws IOException {
        SafeTensors.Contents contents = read(file);
        copy(file.toString(), contents.tensors(), model);
        return info(contents.metadata());
    }

    /** Reads the file and checks the format and checksum entries. */
    private static SafeTensors.Contents read(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file, EXPECTED);
        Map<String, String> metadata = contents.metadata();
        String format = metadata.get("format");
        if (!FORMAT.equals(format) && !MLP_FORMAT.equals(format)) {
            throw SafeTensors.error(
                    file.toString(),
                    8,
                    "__metadata__ must have format=" + FORMAT + " (expected " + EXPECTED + "), got "
                            + (format != null ? "'" + format + "'" : "no format entry"));
        }
        if (!metadata.containsKey(SafeTensors.CHECKSUM)) {
            throw SafeTensors.error(
                    file.toString(), 8, "__metadata__ must have a checksum entry, got keys " + metadata.keySet());
        }
        // Files of the MLP format have no metadata checksum; their entries are checked one by one.
        if (FORMAT.equals(format) && !SafeTensors.metadataChecksum(metadata).equals(metadata.get(METADATA_CHECKSUM))) {
            throw SafeTensors.error(
                    file.toString(),
                    8,
                    "__metadata__ " + METADATA_CHECKSUM + " mismatch: the entry is "
                            + metadata.get(METADATA_CHECKSUM) + ", the entries have "
                            + SafeTensors.metadataChecksum(metadata)
                            + "; the file is corrupt");
        }
        return contents;
    }

    private static Map<String, String> info(Map<String, String> metadata) {
        Map<String, String> info = new LinkedHashMap<>(metadata);
        info.keySet().removeAll(MLP_FORMAT.equals(metadata.get("format")) ? MLP_RESERVED : RESERVED);
        return info;
    }

    /** The spec the metadata holds, or the MLP's that a {@code gradlab-mlp} file's entries describe. */
    public static ModelSpec spec(String file, Map<String, String> metadata) {
        if (MLP_FORMAT.equals(metadata.get("format"))) {
            return architecture(file, metadata).spec();
        }
        if (!metadata.containsKey(SPEC)) {
            throw SafeTensors.error(
                    file,
                    8,
                    "__metadata__ has no spec entry: the file holds a model that is not a"
                            + " Sequential of built-in modules; load it into the model with ModelFile.loadInto");
        }
        try {
            return ModelSpec.parse(metadata.get(SPEC));
        } catch (IllegalArgumentException e) {
            throw SafeTensors.error(file, 8, "__metadata__ spec does not describe a model: " + e.getMessage());
        }
    }

    /** Checks the tensors' names and shapes against {@code model}'s state dict, then loads them. */
    private static void copy(String file, Map<String, SafeTensors.Entry> tensors, Module model) {
        Map<String, Tensor> own = model.stateDict();
        if (!own.keySet().equals(tensors.keySet())) {
            TreeSet<String> missing = new TreeSet<>(own.keySet());
            missing.removeAll(tensors.keySet());
            TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
            unexpected.removeAll(own.keySet());
            throw SafeTensors.error(
                    file,
                    8,
                    "tensors must be " + List.copyOf(own.keySet()) + " for " + model + ", got " + tensors.keySet()
                            + " (missing " + missing + ", unexpected " + unexpected + ")");
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (var e : own.entrySet()) {
            SafeTensors.Entry entry = tensors.get(e.getKey());
            if (!Arrays.equals(e.getValue().shape(), entry.shape())) {
                throw SafeTensors.error(
                        file,
                        8,
                        "tensor " + e.getKey() + " must have shape "
                                + Arrays.toString(e.getValue().shape()) + " for " + model + ", got "
                                + Arrays.toString(entry.shape()));
            }
            state.put(e.getKey(), Tensor.wrap(entry.data(), entry.shape()));
        }
        model.loadStateDict(state);
    }

    private static boolean hasSpec(Sequential model) {
        try {
            ModelSpec.of(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The architecture a {@code gradlab-mlp} file's layers, activation and bias entries describe. */
    public static Architecture architecture(String file, Map<String, String> metadata) {
        for (String key : List.of("layers", "activation", "bias")) {
            if (!metadata.containsKey(key)) {
                throw SafeTensors.error(
                        file, 8, "__metadata__ must have a '" + key + "' entry, got keys " + metadata.keySet());
            }
        }
        try {
            return Architecture.parse(metadata.get("layers"), metadata.get("activation"), metadata.get("bias"));
        } catch (IllegalArgumentException e) {
            throw SafeTensors.error(file, 8, "__metadata__ does not describe a network: " + e.getMessage());
        }
    }
}

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

/**
 * A model's parameters in a {@link SafeTensors} file ({@code model.safetensors}), loadable in PyTorch
 * with {@code model.load_state_dict(safetensors.torch.load_file(path))} into the
 * {@code nn.Sequential} that {@link Architecture#build} mirrors: the tensors are named as that
 * module's {@code state_dict()} names them ({@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ...).
 *
 * <p>The header's {@code __metadata__} holds the architecture ({@code format=gradlab-mlp},
 * {@code layers=784-512-10}, {@code activation=sigmoid}, {@code bias=false}), the CRC-32 of the data
 * ({@code checksum=crc32:1a2b3c4d}) and any informational entries the writer adds. {@link #save}
 * refuses a model that the architecture does not describe, module by module. {@link #load} rejects
 * with a {@link ModelFormatException}, naming the file and the byte offset, everything
 * {@link SafeTensors#read} rejects (a checksum mismatch, a value that is not finite, ...), a missing
 * checksum, a missing or malformed architecture, and tensors missing, extra or of the wrong shape
 * for it, before the network is built.
 */
public final class ModelFile {

    public static final String FILE_NAME = "model.safetensors";
    static final String FORMAT = "gradlab-mlp";
    private static final Set<String> RESERVED = Set.of("format", "layers", "activation", "bias", SafeTensors.CHECKSUM);
    private static final String EXPECTED = "a model.safetensors written by gradlab train or ModelFile.save";

    private ModelFile() {
    }

    /**
     * Writes {@code model}'s parameters with the informational entries {@code info}; replaces the
     * file atomically.
     *
     * @throws IllegalArgumentException when {@code architecture} does not describe {@code model}
     *     ({@link Architecture#requireDescribes}), a value is not finite, or {@code info} sets a
     *     reserved key
     */
    public static void save(Path file, Architecture architecture, Module model, Map<String, String> info)
            throws IOException {
        Map<String, SafeTensors.Entry> tensors = tensors(architecture, model);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("layers", architecture.layers());
        metadata.put("activation", architecture.activation().toString());
        metadata.put("bias", Boolean.toString(architecture.bias()));
        info.forEach((key, value) -> {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("info must not set the reserved key '" + key + "'");
            }
            metadata.put(key, value);
        });
        SafeTensors.write(file, tensors, metadata);
    }

    /**
     * The parameters of {@code model} by their PyTorch names; checks that {@code architecture}
     * describes {@code model}. The entries share the parameters' arrays.
     */
    public static Map<String, SafeTensors.Entry> tensors(Architecture architecture, Module model) {
        architecture.requireDescribes(model);
        List<Tensor> parameters = model.parameters();
        List<int[]> shapes = architecture.parameterShapes();
        List<String> names = architecture.parameterNames();
        if (parameters.size() != shapes.size()) {
            throw new IllegalArgumentException("model must have " + shapes.size() + " parameter tensors for "
                    + architecture + ", got " + parameters.size());
        }
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            Tensor p = parameters.get(i);
            if (!Arrays.equals(shapes.get(i), p.shape())) {
                throw new IllegalArgumentException("parameter " + names.get(i) + " must have shape "
                        + Arrays.toString(shapes.get(i)) + " for " + architecture + ", got " + Arrays.toString(p.shape()));
            }
            tensors.put(names.get(i), new SafeTensors.Entry(p.shape(), p.data()));
        }
        return tensors;
    }

    /** Reads a model file into a new network of the architecture its metadata names. */
    public static SavedModel load(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file, EXPECTED);
        Map<String, String> metadata = contents.metadata();
        String name = file.toString();
        if (!FORMAT.equals(metadata.get("format"))) {
            throw SafeTensors.error(name, 8, "__metadata__ must have format=" + FORMAT + " (expected " + EXPECTED
                    + "), got " + (metadata.containsKey("format") ? "'" + metadata.get("format") + "'" : "no format entry"));
        }
        if (!metadata.containsKey(SafeTensors.CHECKSUM)) {
            throw SafeTensors.error(name, 8, "__metadata__ must have a checksum entry, got keys " + metadata.keySet());
        }
        Architecture architecture = architecture(name, metadata);
        check(name, architecture, contents.tensors());
        Sequential model = architecture.build(0);
        load(name, architecture, contents.tensors(), model);
        Map<String, String> info = new LinkedHashMap<>(metadata);
        info.keySet().removeAll(RESERVED);
        return new SavedModel(architecture, info, model);
    }

    /** Copies {@code tensors} into {@code model}, checking names and shapes against {@code architecture}. */
    public static void load(String file, Architecture architecture, Map<String, SafeTensors.Entry> tensors, Module model) {
        check(file, architecture, tensors);
        List<String> names = architecture.parameterNames();
        List<Tensor> parameters = model.parameters();
        for (int i = 0; i < names.size(); i++) {
            float[] values = tensors.get(names.get(i)).data();
            System.arraycopy(values, 0, parameters.get(i).data(), 0, values.length);
            parameters.get(i).bumpVersion();
        }
    }

    /** Checks the tensors' names and shapes against {@code architecture}, before anything is built. */
    private static void check(String file, Architecture architecture, Map<String, SafeTensors.Entry> tensors) {
        List<String> names = architecture.parameterNames();
        List<int[]> shapes = architecture.parameterShapes();
        if (!tensors.keySet().equals(Set.copyOf(names))) {
            throw SafeTensors.error(file, 8, "tensors must be " + names + " for " + architecture + ", got "
                    + tensors.keySet());
        }
        for (int i = 0; i < names.size(); i++) {
            SafeTensors.Entry e = tensors.get(names.get(i));
            if (!Arrays.equals(e.shape(), shapes.get(i))) {
                throw SafeTensors.error(file, 8, "tensor " + names.get(i) + " must have shape "
                        + Arrays.toString(shapes.get(i)) + " for " + architecture + ", got " + Arrays.toString(e.shape()));
            }
        }
    }

    /** The architecture the metadata describes (its layers, activation and bias entries). */
    public static Architecture architecture(String file, Map<String, String> metadata) {
        for (String key : List.of("layers", "activation", "bias")) {
            if (!metadata.containsKey(key)) {
                throw SafeTensors.error(file, 8, "__metadata__ must have a '" + key + "' entry, got keys "
                        + metadata.keySet());
            }
        }
        try {
            return Architecture.parse(metadata.get("layers"), metadata.get("activation"), metadata.get("bias"));
        } catch (IllegalArgumentException e) {
            throw SafeTensors.error(file, 8, "__metadata__ does not describe a network: " + e.getMessage());
        }
    }
}

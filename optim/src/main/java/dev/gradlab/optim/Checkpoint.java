package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.SafeTensors;
import dev.gradlab.core.nn.Module;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Everything a {@link Trainer} needs to continue a run exactly where it stopped: the parameters,
 * the optimizer's {@link StateDict}, the estimator's {@link GradientEstimator#settings() settings}
 * (evolution strategies' σ and initial σ; none for the others), the epochs done and the global
 * step (the batch order is a function of the trainer's seed and the epoch, an estimator's noise of
 * its seed and the step, so these two numbers are the positions of every random stream), the loss
 * evaluations and time so far (elapsed, and in the training steps), and the caller's own entries ({@code info}, such as the settings of
 * the run).
 *
 * <p>Stored as a {@link SafeTensors} file, written atomically: tensors {@code model.<i>} (the
 * model's parameters in order) and {@code optimizer.<i>.<buffer>}; the numbers, the groups'
 * hyperparameters, {@code estimator.<name>} and {@code info.<key>} entries in {@code __metadata__},
 * with the CRC-32 of the data ({@code checksum}), which {@link #read} verifies. {@link #read}
 * refuses, with a {@link ModelFormatException} naming the file and the offset or the entry, a value
 * that is not finite, a negative count, groups that do not hold every parameter in order, state or
 * buffers of parameters the checkpoint does not have; {@link #restore} one that does not fit the
 * model, optimizer or estimator. A file written before checkpoints had a checksum still loads (its
 * values are still checked for finiteness); one written before they held the estimator's settings
 * has no {@code estimator.} entries and reads as a checkpoint with none, which leaves the estimator
 * as it is built; one written before they kept the time in the training steps apart reads with the
 * elapsed time as that time.
 *
 * @param source the file it was read from, named by {@link #restore}'s errors; null when it was not
 */
public record Checkpoint(
        List<float[]> parameters,
        StateDict optimizer,
        Map<String, Double> estimator,
        int epoch,
        long step,
        long lossEvaluations,
        long elapsedNanos,
        long trainingNanos,
        Map<String, String> info,
        Path source) {

    public static final String FILE_NAME = "checkpoint.safetensors";
    private static final String FORMAT = "gradlab-checkpoint";
    private static final String METADATA_CHECKSUM = "metadata_checksum";

    /**
     * @throws IllegalArgumentException when the epoch, the step, the loss evaluations or the time is
     *     negative
     */
    public Checkpoint {
        parameters = List.copyOf(parameters);
        estimator = Map.copyOf(estimator);
        info = Map.copyOf(info);
        nonNegative("epoch", epoch);
        nonNegative("step", step);
        nonNegative("lossEvaluations", lossEvaluations);
        nonNegative("elapsedNanos", elapsedNanos);
        nonNegative("trainingNanos", trainingNanos);
    }

    private static void nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /** A checkpoint made in memory. */
    public Checkpoint(
            List<float[]> parameters,
            StateDict optimizer,
            Map<String, Double> estimator,
            int epoch,
            long step,
            long lossEvaluations,
            long elapsedNanos,
            long trainingNanos,
            Map<String, String> info) {
        this(parameters, optimizer, estimator, epoch, step, lossEvaluations, elapsedNanos, trainingNanos, info, null);
    }

    /** A checkpoint of a run whose estimator has no settings to keep. */
    public Checkpoint(
            List<float[]> parameters,
            StateDict optimizer,
            int epoch,
            long step,
            long lossEvaluations,
            long elapsedNanos,
            long trainingNanos,
            Map<String, String> info) {
        this(parameters, optimizer, Map.of(), epoch, step, lossEvaluations, elapsedNanos, trainingNanos, info);
    }

    /** The state of a run after {@code epoch} epochs and {@code step} steps; copies the parameters. */
    public static Checkpoint of(
            Module model,
            Optimizer<?> optimizer,
            GradientEstimator estimator,
            int epoch,
            long step,
            long lossEvaluations,
            long elapsedNanos,
            long trainingNanos,
            Map<String, String> info) {
        List<float[]> ps = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            ps.add(p.data().clone());
        }
        return new Checkpoint(
                ps,
                optimizer.stateDict(),
                estimator.settings(),
                epoch,
                step,
                lossEvaluations,
                elapsedNanos,
                trainingNanos,
                info);
    }

    /**
     * Puts the parameters into {@code model}, the state into {@code optimizer} and, when the
     * checkpoint has any, the settings into {@code estimator}; checks the sizes and the estimator's
     * keys first.
     *
     * @throws IllegalArgumentException when the checkpoint does not fit them; a {@link ModelFormatException}
     *     naming the file instead when it was {@link #read} from one (then the file is at fault)
     */
    public void restore(Module model, Optimizer<?> optimizer, GradientEstimator estimator) {
        try {
            restoreChecked(model, optimizer, estimator);
        } catch (IllegalArgumentException e) {
            if (source == null) {
                throw e;
            }
            throw new ModelFormatException(
                    source.toString(),
                    8,
                    "the checkpoint does not fit the model, optimizer" + " and estimator it is restored into: "
                            + e.getMessage());
        }
    }

    private void restoreChecked(Module model, Optimizer<?> optimizer, GradientEstimator estimator) {
        List<Tensor> ps = model.parameters();
        if (ps.size() != parameters.size()) {
            throw new IllegalArgumentException(
                    "model must have the checkpoint's " + parameters.size() + " parameter tensors, got " + ps.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).size() != parameters.get(i).length) {
                throw new IllegalArgumentException("parameter " + i + " must have the checkpoint's "
                        + parameters.get(i).length + " values, got " + ps.get(i).size());
            }
        }
        if (!this.estimator.isEmpty()
                && !this.estimator.keySet().equals(estimator.settings().keySet())) {
            throw new IllegalArgumentException("estimator must have the checkpoint's settings "
                    + new TreeSet<>(this.estimator.keySet()) + ", got " + estimator.name() + " with "
                    + new TreeSet<>(estimator.settings().keySet()));
        }
        optimizer.loadStateDict(this.optimizer);
        if (!this.estimator.isEmpty()) {
            estimator.loadSettings(this.estimator);
        }
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(parameters.get(i), 0, ps.get(i).data(), 0, parameters.get(i).length);
            ps.get(i).bumpVersion();
        }
    }

    /** Writes the checkpoint; the file is replaced atomically, so a crash leaves the previous one. */
    public void write(Path file) throws IOException {
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            tensors.put("model." + i, new SafeTensors.Entry(new int[] {parameters.get(i).length}, parameters.get(i)));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step", Long.toString(step));
        meta.put("loss_evaluations", Long.toString(lossEvaluations));
        meta.put("elapsed_nanos", Long.toString(elapsedNanos));
        meta.put("training_nanos", Long.toString(trainingNanos));
        List<StateDict.Group> groups = optimizer.paramGroups();
        meta.put("optimizer.groups", Integer.toString(groups.size()));
        for (int g = 0; g < groups.size(); g++) {
            meta.put(
                    "optimizer.group." + g + ".params",
                    groups.get(g).params().stream().map(String::valueOf).collect(Collectors.joining(",")));
            for (var s : new TreeMap<>(groups.get(g).settings()).entrySet()) {
                meta.put("optimizer.group." + g + "." + s.getKey(), Double.toString(s.getValue()));
            }
        }
        for (var s : new TreeMap<>(optimizer.state()).entrySet()) {
            meta.put(
                    "optimizer.state." + s.getKey() + ".step",
                    Long.toString(s.getValue().step()));
            for (var b : new TreeMap<>(s.getValue().buffers()).entrySet()) {
                tensors.put(
                        "optimizer." + s.getKey() + "." + b.getKey(),
                        new SafeTensors.Entry(new int[] {b.getValue().length}, b.getValue()));
            }
        }
        new TreeMap<>(estimator).forEach((k, v) -> meta.put("estimator." + k, Double.toString(v)));
        info.forEach((k, v) -> meta.put("info." + k, v));
        meta.put(METADATA_CHECKSUM, metadataChecksum(meta));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws ModelFormatException when the file is damaged or not a checkpoint; the message names
     *     the file and the byte offset or the metadata entry
     */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file, "a " + FILE_NAME + " written by gradlab train or Trainer");
        Metadata meta = new Metadata(file.toString(), c.metadata());
        if (!FORMAT.equals(c.metadata().get("format"))) {
            throw meta.error("__metadata__ must have format=" + FORMAT + ", got "
                    + c.metadata().get("format"));
        }
        String stored = c.metadata().get(METADATA_CHECKSUM);
        if (stored != null && !stored.equals(metadataChecksum(c.metadata()))) {
            throw meta.error("metadata checksum mismatch: the entries' " + METADATA_CHECKSUM + " is " + stored
                    + ", they have " + metadataChecksum(c.metadata()) + "; the file is corrupt");
        }
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>(c.tensors());
        List<float[]> ps = new ArrayList<>();
        for (int i = 0; tensors.containsKey("model." + i); i++) {
            ps.add(tensors.remove("model." + i).data());
        }
        for (String t : tensors.keySet()) {
            String[] parts = t.split("\\.", 3);
            if (parts.length != 3
                    || !parts[0].equals("optimizer")
                    || !parts[1].matches("[0-9]{1,9}")
                    || Integer.parseInt(parts[1]) >= ps.size()) {
                throw meta.error("tensors must be model.0 to model." + (ps.size() - 1) + " and optimizer.<i>.<buffer>"
                        + " of those, got \"" + t + "\"");
            }
        }
        // Each group has a params entry, so there are no more groups than entries.
        int groupCount = (int) meta.integer("optimizer.groups", 0, c.metadata().size());
        List<StateDict.Group> groups = new ArrayList<>();
        int next = 0;
        for (int g = 0; g < groupCount; g++) {
            String prefix = "optimizer.group." + g + ".";
            List<Integer> ids = new ArrayList<>();
            String params = meta.required(prefix + "params");
            for (String id : params.isEmpty() ? new String[0] : params.split(",", -1)) {
                // Every parameter in one group after another, in order: what Optimizer.loadStateDict takes.
                if (!id.equals(Integer.toString(next)) || next >= ps.size()) {
                    throw meta.error("__metadata__ " + prefix + "params must continue with parameter " + next
                            + " of the " + ps.size() + " model tensors, got '" + params + "'");
                }
                ids.add(next++);
            }
            Map<String, Double> settings = new LinkedHashMap<>();
            for (String k : c.metadata().keySet()) {
                if (k.startsWith(prefix) && !k.equals(prefix + "params")) {
                    settings.put(k.substring(prefix.length()), meta.finite(k));
                }
            }
            groups.add(new StateDict.Group(ids, settings));
        }
        if (next != ps.size()) {
            throw meta.error("__metadata__ optimizer.group.<g>.params entries must hold the " + ps.size()
                    + " model tensors in order, got " + next);
        }
        Map<Integer, StateDict.State> state = new LinkedHashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            String key = "optimizer.state." + i + ".step";
            if (!c.metadata().containsKey(key)) {
                continue;
            }
            long step = meta.integer(key, 1, Long.MAX_VALUE);
            String prefix = "optimizer." + i + ".";
            Map<String, float[]> buffers = new LinkedHashMap<>();
            for (String t : List.copyOf(tensors.keySet())) {
                if (t.startsWith(prefix)) {
                    float[] b = tensors.remove(t).data();
                    if (b.length != ps.get(i).length) {
                        throw meta.error("tensor \"" + t + "\" must have the " + ps.get(i).length + " values of model."
                                + i + ", got " + b.length);
                    }
                    buffers.put(t.substring(prefix.length()), b);
                }
            }
            state.put(i, new StateDict.State(step, buffers));
        }
        if (!tensors.isEmpty()) {
            throw meta.error("tensors must be model.0 to model." + (ps.size() - 1) + " and the optimizer state of those"
                    + " with an optimizer.state.<i>.step entry, got also " + tensors.keySet());
        }
        Map<String, Double> estimator = new LinkedHashMap<>();
        Map<String, String> info = new LinkedHashMap<>();
        for (var e : c.metadata().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("estimator.")) {
                estimator.put(k.substring("estimator.".length()), meta.finite(k));
            } else if (k.startsWith("info.")) {
                info.put(k.substring("info.".length()), e.getValue());
            } else if (k.startsWith("optimizer.state.") && !state.containsKey(stateIndex(k))) {
                throw meta.error("__metadata__ " + k + " must name one of the " + ps.size() + " model tensors");
            }
        }
        long elapsed = meta.integer("elapsed_nanos", 0, Long.MAX_VALUE);
        return new Checkpoint(
                ps,
                new StateDict(groups, state),
                estimator,
                (int) meta.integer("epoch", 0, Integer.MAX_VALUE),
                meta.integer("step", 0, Long.MAX_VALUE),
                meta.integer("loss_evaluations", 0, Long.MAX_VALUE),
                elapsed,
                c.metadata().containsKey("training_nanos")
                        ? meta.integer("training_nanos", 0, Long.MAX_VALUE)
                        : elapsed,
                info,
                file);
    }

    /**
     * The CRC-32 of the metadata entries other than the checksums, sorted by key: the data's checksum
     * does not cover the epoch, the step or a learning rate, which resume as silently when damaged.
     */
    private static String metadataChecksum(Map<String, String> metadata) {
        CRC32 crc = new CRC32();
        new TreeMap<>(metadata).forEach((k, v) -> {
            if (!k.equals(METADATA_CHECKSUM) && !k.equals(SafeTensors.CHECKSUM)) {
                crc.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        return String.format("crc32:%08x", crc.getValue());
    }

    /** The index in an {@code optimizer.state.<i>.step} key, or null for another key. */
    private static Integer stateIndex(String key) {
        String rest = key.substring("optimizer.state.".length());
        return rest.matches("[0-9]{1,9}\\.step") ? Integer.valueOf(rest.substring(0, rest.length() - 5)) : null;
    }

    /** The metadata's entries, parsed and checked, each error naming the file and the entry. */
    private record Metadata(String file, Map<String, String> entries) {

        ModelFormatException error(String message) {
            return new ModelFormatException(file, 8, message);
        }

        String required(String key) {
            String v = entries.get(key);
            if (v == null) {
                throw error("__metadata__ must have an entry '" + key + "'");
            }
            return v;
        }

        long integer(String key, long min, long max) {
            return parsed(key, Long::parseLong, n -> n >= min && n <= max, "an integer in [" + min + ", " + max + "]");
        }

        double finite(String key) {
            return parsed(key, Double::parseDouble, Double::isFinite, "a finite number");
        }

        private <T> T parsed(String key, java.util.function.Function<String, T> parse, Predicate<T> ok, String what) {
            String v = required(key);
            try {
                T value = parse.apply(v);
                if (ok.test(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error("__metadata__ " + key + " must be " + what + ", got '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return "Checkpoint(epoch=" + epoch + ", step=" + step + ", parameters=" + parameters.size() + " tensors, "
                + Arrays.toString(parameters.stream().mapToInt(p -> p.length).toArray()) + ")";
    }
}

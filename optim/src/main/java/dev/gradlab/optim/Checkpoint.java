package dev.gradlab.optim;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.ModelFormatException;
import dev.gradlab.core.model.SafeTensors;
import dev.gradlab.core.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link Trainer} needs to continue a run exactly where it stopped: the parameters,
 * the optimizer's {@link StateDict}, the estimator's {@link GradientEstimator#settings() settings}
 * (evolution strategies' σ and initial σ; none for the others), the epochs done and the global
 * step (the batch order is a function of the trainer's seed and the epoch, an estimator's noise of
 * its seed and the step, so these two numbers are the positions of every random stream), the loss
 * evaluations and time so far, and the caller's own entries ({@code info}, such as the settings of
 * the run).
 *
 * <p>Stored as a {@link SafeTensors} file, written atomically: tensors {@code model.<i>} (the
 * model's parameters in order) and {@code optimizer.<i>.<buffer>}; the numbers, the groups'
 * hyperparameters, {@code estimator.<name>} and {@code info.<key>} entries in {@code __metadata__}.
 * A file written before checkpoints held the estimator's settings has no {@code estimator.}
 * entries and reads as a checkpoint with none, which leaves the estimator as it is built.
 */
public record Checkpoint(List<float[]> parameters, StateDict optimizer, Map<String, Double> estimator, int epoch,
                         long step, long lossEvaluations, long elapsedNanos, Map<String, String> info) {

    public static final String FILE_NAME = "checkpoint.safetensors";
    private static final String FORMAT = "gradlab-checkpoint";

    public Checkpoint {
        parameters = List.copyOf(parameters);
        estimator = Map.copyOf(estimator);
        info = Map.copyOf(info);
    }

    /** A checkpoint of a run whose estimator has no settings to keep. */
    public Checkpoint(List<float[]> parameters, StateDict optimizer, int epoch, long step, long lossEvaluations,
                      long elapsedNanos, Map<String, String> info) {
        this(parameters, optimizer, Map.of(), epoch, step, lossEvaluations, elapsedNanos, info);
    }

    /** The state of a run after {@code epoch} epochs and {@code step} steps; copies the parameters. */
    public static Checkpoint of(Module model, Optimizer<?> optimizer, GradientEstimator estimator, int epoch,
                                long step, long lossEvaluations, long elapsedNanos, Map<String, String> info) {
        List<float[]> ps = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            ps.add(p.data().clone());
        }
        return new Checkpoint(ps, optimizer.stateDict(), estimator.settings(), epoch, step, lossEvaluations,
                elapsedNanos, info);
    }

    /**
     * Puts the parameters into {@code model}, the state into {@code optimizer} and, when the
     * checkpoint has any, the settings into {@code estimator}; checks the sizes and the estimator's
     * keys first.
     */
    public void restore(Module model, Optimizer<?> optimizer, GradientEstimator estimator) {
        List<Tensor> ps = model.parameters();
        if (ps.size() != parameters.size()) {
            throw new IllegalArgumentException("model must have the checkpoint's " + parameters.size()
                    + " parameter tensors, got " + ps.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).size() != parameters.get(i).length) {
                throw new IllegalArgumentException("parameter " + i + " must have the checkpoint's "
                        + parameters.get(i).length + " values, got " + ps.get(i).size());
            }
        }
        if (!this.estimator.isEmpty() && !this.estimator.keySet().equals(estimator.settings().keySet())) {
            throw new IllegalArgumentException("estimator must have the checkpoint's settings "
                    + new java.util.TreeSet<>(this.estimator.keySet()) + ", got " + estimator.name() + " with "
                    + new java.util.TreeSet<>(estimator.settings().keySet()));
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
        List<StateDict.Group> groups = optimizer.paramGroups();
        meta.put("optimizer.groups", Integer.toString(groups.size()));
        for (int g = 0; g < groups.size(); g++) {
            meta.put("optimizer.group." + g + ".params", join(groups.get(g).params()));
            for (var s : new java.util.TreeMap<>(groups.get(g).settings()).entrySet()) {
                meta.put("optimizer.group." + g + "." + s.getKey(), Double.toString(s.getValue()));
            }
        }
        for (var s : new java.util.TreeMap<>(optimizer.state()).entrySet()) {
            meta.put("optimizer.state." + s.getKey() + ".step", Long.toString(s.getValue().step()));
            for (var b : new java.util.TreeMap<>(s.getValue().buffers()).entrySet()) {
                tensors.put("optimizer." + s.getKey() + "." + b.getKey(), new SafeTensors.Entry(
                        new int[] {b.getValue().length}, b.getValue()));
            }
        }
        new java.util.TreeMap<>(estimator).forEach((k, v) -> meta.put("estimator." + k, Double.toString(v)));
        info.forEach((k, v) -> meta.put("info." + k, v));
        SafeTensors.write(file, tensors, meta);
    }

    /** Reads a checkpoint written by {@link #write}; errors name the file and what is wrong. */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        String name = file.toString();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new ModelFormatException(name + ": at byte 8: __metadata__ must have format=" + FORMAT + ", got "
                    + meta.get("format"));
        }
        try {
            List<float[]> ps = new ArrayList<>();
            for (int i = 0; c.tensors().containsKey("model." + i); i++) {
                ps.add(c.tensors().get("model." + i).data());
            }
            int groupCount = Integer.parseInt(required(meta, "optimizer.groups"));
            List<StateDict.Group> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                String prefix = "optimizer.group." + g + ".";
                List<Integer> ids = new ArrayList<>();
                for (String id : required(meta, prefix + "params").split(",")) {
                    ids.add(Integer.parseInt(id));
                }
                Map<String, Double> settings = new LinkedHashMap<>();
                meta.forEach((k, v) -> {
                    if (k.startsWith(prefix) && !k.equals(prefix + "params")) {
                        settings.put(k.substring(prefix.length()), Double.parseDouble(v));
                    }
                });
                groups.add(new StateDict.Group(ids, settings));
            }
            Map<Integer, StateDict.State> state = new LinkedHashMap<>();
            meta.forEach((k, v) -> {
                if (k.startsWith("optimizer.state.") && k.endsWith(".step")) {
                    int i = Integer.parseInt(k.substring("optimizer.state.".length(), k.length() - ".step".length()));
                    Map<String, float[]> buffers = new LinkedHashMap<>();
                    c.tensors().forEach((t, e) -> {
                        if (t.startsWith("optimizer." + i + ".")) {
                            buffers.put(t.substring(("optimizer." + i + ".").length()), e.data());
                        }
                    });
                    state.put(i, new StateDict.State(Long.parseLong(v), buffers));
                }
            });
            Map<String, Double> estimator = new LinkedHashMap<>();
            Map<String, String> info = new LinkedHashMap<>();
            meta.forEach((k, v) -> {
                if (k.startsWith("estimator.")) {
                    estimator.put(k.substring("estimator.".length()), Double.parseDouble(v));
                } else if (k.startsWith("info.")) {
                    info.put(k.substring("info.".length()), v);
                }
            });
            return new Checkpoint(ps, new StateDict(groups, state), estimator,
                    Integer.parseInt(required(meta, "epoch")),
                    Long.parseLong(required(meta, "step")), Long.parseLong(required(meta, "loss_evaluations")),
                    Long.parseLong(required(meta, "elapsed_nanos")), info);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(name + ": at byte 8: __metadata__ does not describe a checkpoint: "
                    + e.getMessage());
        }
    }

    private static String required(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing entry '" + key + "'");
        }
        return v;
    }

    private static String join(List<Integer> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    @Override
    public String toString() {
        return "Checkpoint(epoch=" + epoch + ", step=" + step + ", parameters=" + parameters.size() + " tensors, "
                + Arrays.toString(parameters.stream().mapToInt(p -> p.length).toArray()) + ")";
    }
}

package dev.gradlab.core.model;

import dev.gradlab.core.TorchGenerator;
import dev.gradlab.core.nn.AvgPool2d;
import dev.gradlab.core.nn.Conv2d;
import dev.gradlab.core.nn.Dropout;
import dev.gradlab.core.nn.Flatten;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.MaxPool2d;
import dev.gradlab.core.nn.Module;
import dev.gradlab.core.nn.ReLU;
import dev.gradlab.core.nn.ReQU;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.nn.Sigmoid;
import dev.gradlab.core.nn.Tanh;
import dev.gradlab.core.nn.Unflatten;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a {@link Sequential} of built-in modules is made of, as JSON, so that a model file or a genome
 * can rebuild it: the layers' types with PyTorch's class names and constructor arguments, and their
 * names in the container, for example
 * <pre>
 * {"type":"Sequential","layers":[
 *   {"name":"0","type":"Linear","in_features":784,"out_features":512,"bias":false},
 *   {"name":"1","type":"Sigmoid"}, ...]}
 * </pre>
 * The types: {@code Sequential} (nested ones too), {@code Linear}, {@code Conv2d}, {@code MaxPool2d},
 * {@code AvgPool2d}, {@code Flatten}, {@code Unflatten}, {@code Dropout} ({@code p} as a decimal
 * string), {@code Sigmoid}, {@code ReLU}, {@code ReQU}, {@code Tanh}. A user's own module has no
 * spec: save and load its tensors by name ({@link ModelFile#save(java.nio.file.Path, Module, Map)},
 * {@link ModelFile#loadInto}) into a model the user builds.
 *
 * <p>This class is the one place that knows the built-in modules' constructor arguments.
 */
public final class ModelSpec {

    private final String json;
    private final Function<Source, Sequential> factory;
    private final String description;
    private final long parameterCount;

    private ModelSpec(String json, Function<Source, Sequential> factory, String description, long parameterCount) {
        this.json = json;
        this.factory = factory;
        this.description = description;
        this.parameterCount = parameterCount;
    }

    /**
     * The spec of {@code model}.
     *
     * @throws IllegalArgumentException naming the first module that is not a built-in one
     */
    public static ModelSpec of(Sequential model) {
        String json = describe(model, "model");
        return parse(json);
    }

    /**
     * Parses a spec as {@link #json()} writes it.
     *
     * @throws IllegalArgumentException naming the layer and the field that is missing or wrong
     */
    public static ModelSpec parse(String json) {
        Object tree;
        try {
            tree = Json.parse(json, "spec", 0);
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException("spec is not valid JSON: " + e.getMessage());
        }
        if (!(tree instanceof Map<?, ?> m) || !"Sequential".equals(m.get("type"))) {
            throw new IllegalArgumentException("spec must describe a Sequential (type \"Sequential\"), got " + tree);
        }
        Layer root = layer(tree, "spec");
        Function<Source, Sequential> factory = s -> (Sequential) root.module.apply(s);
        return new ModelSpec(json, factory, root.description, root.parameters);
    }

    /**
     * A freshly initialised model whose layers draw, in order, from one generator seeded with
     * {@code seed}: PyTorch's initial weights after {@code torch.manual_seed(seed)} and the same
     * {@code nn.Sequential}, as {@link Architecture#build} and {@link dev.gradlab.core.nn.Convnets} give.
     * A {@code Dropout}'s masks are seeded with {@code seed}.
     */
    public Sequential build(long seed) {
        return factory.apply(new Source(new TorchGenerator(seed), seed));
    }

    /** The spec as JSON, as a model file's {@code spec} entry holds it. */
    public String json() {
        return json;
    }

    /**
     * The number of floats the model's parameters hold, known before it is built (saturating at
     * {@link Long#MAX_VALUE}), so that a reader can refuse a model the heap cannot hold.
     */
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && json.equals(s.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    /** The layers as PyTorch prints them, on one line. */
    @Override
    public String toString() {
        return description;
    }

    /** A parsed layer: how to build it from the generator, and how to print it. */
    private record Layer(Function<Source, Module> module, String description, long parameters) {
        Layer(Function<Source, Module> module, String description) {
            this(module, description, 0);
        }
    }

    /** What a build draws from: the generator, advanced layer by layer, and the seed it started from. */
    private record Source(TorchGenerator generator, long seed) {}

    private static String describe(Module m, String where) {
        StringBuilder b = new StringBuilder("{");
        if (m instanceof Sequential s) {
            b.append("\"type\":\"Sequential\",\"layers\":[");
            for (int i = 0; i < s.layers().size(); i++) {
                String inner = describe(
                        s.layers().get(i), where + " layer " + s.names().get(i));
                b.append(i > 0 ? "," : "")
                        .append("{\"name\":")
                        .append(Json.quote(s.names().get(i)))
                        .append(',')
                        .append(inner, 1, inner.length());
            }
            return b.append("]}").toString();
        }
        b.append("\"type\":\"").append(m.getClass().getSimpleName()).append('"');
        if (m instanceof Linear l) {
            b.append(",\"in_features\":")
                    .append(l.in())
                    .append(",\"out_features\":")
                    .append(l.out())
                    .append(",\"bias\":")
                    .append(l.bias() != null);
        } else if (m instanceof Conv2d c) {
            b.append(",\"in_channels\":")
                    .append(c.inChannels())
                    .append(",\"out_channels\":")
                    .append(c.outChannels())
                    .append(",\"kernel_size\":")
                    .append(c.kernelSize())
                    .append(",\"stride\":")
                    .append(c.stride())
                    .append(",\"padding\":")
                    .append(c.padding())
                    .append(",\"bias\":")
                    .append(c.bias() != null);
        } else if (m instanceof MaxPool2d p) {
            b.append(",\"kernel_size\":")
                    .append(p.kernelSize())
                    .append(",\"stride\":")
                    .append(p.stride());
        } else if (m instanceof AvgPool2d p) {
            b.append(",\"kernel_size\":")
                    .append(p.kernelSize())
                    .append(",\"stride\":")
                    .append(p.stride());
        } else if (m instanceof Flatten f) {
            b.append(",\"start_dim\":")
                    .append(f.startDim())
                    .append(",\"end_dim\":")
                    .append(f.endDim());
        } else if (m instanceof Unflatten u) {
            b.append(",\"dim\":")
                    .append(u.dim())
                    .append(",\"unflattened_size\":")
                    .append(java.util.Arrays.toString(u.sizes()).replace(" ", ""));
        } else if (m instanceof Dropout d) {
            b.append(",\"p\":\"").append(d.p()).append('"');
        } else if (!(m instanceof Sigmoid || m instanceof ReLU || m instanceof ReQU || m instanceof Tanh)) {
            throw new IllegalArgumentException(where + " must be a built-in module to have a spec, got " + m + " ("
                    + m.getClass().getName() + "); save its tensors and load them into a model you build");
        }
        return b.append('}').toString();
    }

    private static Layer layer(Object node, String where) {
        Fields f = new Fields(node, where);
        String type = f.string("type");
        Layer layer = switch (type) {
            case "Sequential" -> sequential(f, where);
            case "Linear" -> {
                int in = f.positive("in_features");
                int out = f.positive("out_features");
                boolean bias = f.bool("bias");
                f.done(Set.of("in_features", "out_features", "bias"));
                yield new Layer(
                        s -> new Linear(in, out, bias, s.generator()),
                        "Linear(" + in + ", " + out + (bias ? "" : ", bias=false") + ")",
                        weights(out, in, 1, bias));
            }
            case "Conv2d" -> {
                int in = f.positive("in_channels");
                int out = f.positive("out_channels");
                int kernel = f.positive("kernel_size");
                int stride = f.positive("stride");
                int padding = f.integer("padding", 0);
                boolean bias = f.bool("bias");
                f.done(Set.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "bias"));
                yield new Layer(
                        s -> new Conv2d(in, out, kernel, stride, padding, bias, s.generator()),
                        "Conv2d(" + in + ", " + out + ", kernel_size=" + kernel
                                + (stride == 1 ? "" : ", stride=" + stride)
                                + (padding == 0 ? "" : ", padding=" + padding) + (bias ? "" : ", bias=false") + ")",
                        weights(out, in, (long) kernel * kernel, bias));
            }
            case "MaxPool2d", "AvgPool2d" -> {
                int kernel = f.positive("kernel_size");
                int stride = f.positive("stride");
                f.done(Set.of("kernel_size", "stride"));
                boolean max = type.equals("MaxPool2d");
                Module shown = max ? new MaxPool2d(kernel, stride) : new AvgPool2d(kernel, stride);
                yield new Layer(
                        s -> max ? new MaxPool2d(kernel, stride) : new AvgPool2d(kernel, stride), shown.toString());
            }
            case "Flatten" -> {
                int start = f.integer("start_dim", Integer.MIN_VALUE);
                int end = f.integer("end_dim", Integer.MIN_VALUE);
                f.done(Set.of("start_dim", "end_dim"));
                yield new Layer(s -> new Flatten(start, end), new Flatten(start, end).toString());
            }
            case "Unflatten" -> {
                int dim = f.integer("dim", Integer.MIN_VALUE);
                int[] sizes = f.sizes("unflattened_size");
                f.done(Set.of("dim", "unflattened_size"));
                yield new Layer(s -> new Unflatten(dim, sizes), new Unflatten(dim, sizes).toString());
            }
            case "Dropout" -> {
                float p = f.probability("p");
                f.done(Set.of("p"));
                // Seeded with the build's seed: a draw from the generator would shift the layers after it.
                yield new Layer(s -> new Dropout(p, s.seed()), "Dropout(p=" + p + ")");
            }
            case "Sigmoid", "ReLU", "ReQU", "Tanh" -> {
                f.done(Set.of());
                Activation a = Activation.parse(type);
                yield new Layer(s -> a.create(), type + "()");
            }
            default ->
                throw new IllegalArgumentException(where + " type must be one of Sequential, Linear, Conv2d,"
                        + " MaxPool2d, AvgPool2d, Flatten, Unflatten, Dropout, Sigmoid, ReLU, ReQU, Tanh, got '" + type
                        + "'");
        };
        return layer;
    }

    private static Layer sequential(Fields f, String where) {
        Object value = f.get("layers");
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + " field layers must be a list, got " + value);
        }
        f.done(Set.of("layers"));
        List<String> names = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Fields item = new Fields(list.get(i), where + " layer " + i);
            String name = item.string("name");
            if (name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException(
                        where + " layer " + i + " name must be non-empty and without '.', got '" + name + "'");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException(where + " layer " + i + " name '" + name + "' is used twice");
            }
            names.add(name);
            Map<String, Object> rest = new LinkedHashMap<>(item.map);
            rest.remove("name");
            layers.add(layer(rest, where + " layer " + name));
        }
        StringBuilder description = new StringBuilder("Sequential(");
        long parameters = 0;
        for (int i = 0; i < layers.size(); i++) {
            description.append(i > 0 ? ", " : "").append(layers.get(i).description());
            long p = layers.get(i).parameters();
            parameters = p > Long.MAX_VALUE - parameters ? Long.MAX_VALUE : parameters + p;
        }
        return new Layer(
                s -> {
                    Map<String, Module> built = new LinkedHashMap<>();
                    for (int i = 0; i < layers.size(); i++) {
                        built.put(names.get(i), layers.get(i).module().apply(s));
                    }
                    return new Sequential(built);
                },
                description.append(')').toString(),
                parameters);
    }

    /** {@code out × in × window} weights plus {@code out} biases, saturating at {@link Long#MAX_VALUE}. */
    private static long weights(int out, int in, long window, boolean bias) {
        try {
            return Math.addExact(Math.multiplyExact((long) out * in, window), bias ? out : 0);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A spec object's fields, read with messages that name the layer and the field. */
    private static final class Fields {
        final Map<String, Object> map;
        final String where;

        @SuppressWarnings("unchecked")
        Fields(Object node, String where) {
            if (!(node instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(where + " must be a JSON object, got " + node);
            }
            this.map = (Map<String, Object>) node;
            this.where = where;
        }

        Object get(String key) {
            if (!map.containsKey(key)) {
                throw new IllegalArgumentException(
                        where + " must have a field " + key + ", got fields " + map.keySet());
            }
            return map.get(key);
        }

        String string(String key) {
            if (!(get(key) instanceof String s)) {
                throw new IllegalArgumentException(where + " field " + key + " must be a string, got " + get(key));
            }
            return s;
        }

        boolean bool(String key) {
            if (!(get(key) instanceof Boolean b)) {
                throw new IllegalArgumentException(where + " field " + key + " must be true or false, got " + get(key));
            }
            return b;
        }

        int integer(String key, int min) {
            if (!(get(key) instanceof Long v) || v < min || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new IllegalArgumentException(where + " field " + key + " must be an integer"
                        + (min > Integer.MIN_VALUE ? " >= " + min : "") + ", got " + get(key));
            }
            return (int) (long) v;
        }

        int positive(String key) {
            return integer(key, 1);
        }

        int[] sizes(String key) {
            if (!(get(key) instanceof List<?> l)
                    || l.isEmpty()
                    || !l.stream().allMatch(v -> v instanceof Long n && n >= 1 && n <= Integer.MAX_VALUE)) {
                throw new IllegalArgumentException(
                        where + " field " + key + " must be a list of integers >= 1, got " + get(key));
            }
            return l.stream().mapToInt(v -> (int) (long) (Long) v).toArray();
        }

        float probability(String key) {
            String s = string(key);
            try {
                float p = Float.parseFloat(s);
                if (p >= 0 && p <= 1) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    where + " field " + key + " must be a number in [0, 1] as a string, got '" + s + "'");
        }

        /** Refuses fields other than "type" and {@code known}. */
        void done(Set<String> known) {
            for (String key : map.keySet()) {
                if (!key.equals("type") && !known.contains(key)) {
                    throw new IllegalArgumentException(
                            where + " has an unknown field " + key + ", expected " + new java.util.TreeSet<>(known));
                }
            }
        }
    }
}

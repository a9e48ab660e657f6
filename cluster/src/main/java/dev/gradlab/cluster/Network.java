package dev.gradlab.cluster;

import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import java.util.Arrays;

/**
 * A network a worker can build from its name: an MLP ({@link Architecture}) or the reference
 * convnet ({@link Convnets#reference}). A worker sets its parameters each round, so the seed it is
 * built with does not matter.
 *
 * @param spec what travels: {@code mlp SIZES ACTIVATION BIAS}, or {@code convnet-reference}
 * @param architecture the MLP's, or null
 */
record Network(String spec, Architecture architecture, int inputs, long parameters) {

    private static final String CONVNET = "convnet-reference";

    static Network of(Architecture a) {
        String sizes = String.join("-", Arrays.stream(a.sizes()).mapToObj(Integer::toString).toList());
        return new Network("mlp " + sizes + " " + a.activation().name() + " " + (a.bias() ? "bias" : "nobias"), a,
                a.inputs(), a.parameterCount());
    }

    static Network referenceConvnet() {
        return new Network(CONVNET, null, 784, Convnets.REFERENCE_PARAMETERS);
    }

    static Network parse(String spec) {
        if (spec.equals(CONVNET)) {
            return referenceConvnet();
        }
        String[] parts = spec.split(" ");
        if (parts.length != 4 || !parts[0].equals("mlp")) {
            throw new IllegalArgumentException("network must be 'mlp SIZES ACTIVATION BIAS' or '" + CONVNET + "', got '"
                    + spec + "'");
        }
        int[] sizes = Arrays.stream(parts[1].split("-")).mapToInt(Integer::parseInt).toArray();
        return of(new Architecture(sizes, Activation.valueOf(parts[2]), parts[3].equals("bias")));
    }

    Sequential build() {
        return architecture != null ? architecture.build(0) : Convnets.reference(0);
    }

    @Override
    public String toString() {
        return architecture != null ? architecture.toString() : "the reference convnet";
    }
}

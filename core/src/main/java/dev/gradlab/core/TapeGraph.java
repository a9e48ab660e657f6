package dev.gradlab.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A picture of the tape: while open, it notes every {@link Function} call the tape records on this
 * thread (its name, its {@link Function.Formula}, the shapes of its inputs and output) and, during
 * {@link Tensor#backward()}, the norm of each gradient that flows along an edge. {@link #toDot()}
 * writes it as Graphviz DOT, one node per op and per tensor.
 *
 * <pre>{@code
 * try (TapeGraph graph = TapeGraph.record()) {
 *     Tensor loss = Losses.crossEntropy(model.forward(x), labels);
 *     loss.backward();
 *     graph.name(x, "x").name(loss, "loss");
 *     Files.writeString(Path.of("tape.dot"), graph.toDot());
 * }
 * }</pre>
 *
 * It keeps the tensors it saw (for their names) until it is garbage; it copies no values.
 */
public final class TapeGraph implements AutoCloseable {

    /** A tensor seen on the tape: its number in the drawing and what it is. */
    private static final class Node {
        final int id;
        final int[] shape;
        final boolean leaf;
        final boolean requiresGrad;
        String name;

        Node(int id, Tensor t) {
            this.id = id;
            this.shape = t.shape();
            this.leaf = t.isLeaf();
            this.requiresGrad = t.requiresGrad();
        }
    }

    /** A recorded call: its inputs, its output and the gradient norms seen during backward. */
    private static final class Op {
        final int id;
        final String name;
        final Function.Formula formula;
        final Node[] inputs;
        final Node output;
        final double[] inputGradNorms;
        double outputGradNorm = Double.NaN;

        Op(int id, Function f, Node[] inputs, Node output) {
            this.id = id;
            this.name = f.name();
            this.formula = f.formula();
            this.inputs = inputs;
            this.output = output;
            this.inputGradNorms = new double[inputs.length];
            Arrays.fill(inputGradNorms, Double.NaN);
        }
    }

    private final Thread owner = Thread.currentThread();
    private final Map<Tensor, Node> nodes = new IdentityHashMap<>();
    private final Map<Function, Op> ops = new IdentityHashMap<>();
    private final List<Op> order = new ArrayList<>();
    private boolean closed;

    private TapeGraph() {}

    /**
     * Starts noting what the tape records on this thread, until {@link #close()}.
     *
     * @throws IllegalStateException when another TapeGraph is recording on this thread
     */
    public static TapeGraph record() {
        TapeGraph graph = new TapeGraph();
        Tape.startGraph(graph);
        return graph;
    }

    /** Stops recording (what was noted stays); closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a TapeGraph must be closed on the thread that opened it ("
                    + owner.getName() + "), not on " + Thread.currentThread().getName());
        }
        closed = true;
        Tape.stopGraph(this);
    }

    /**
     * Names a tensor in the drawing ("x", "W1", "loss"); unnamed ones are drawn by their kind.
     *
     * @throws IllegalArgumentException when the tensor was not seen on the tape
     */
    public TapeGraph name(Tensor tensor, String name) {
        Node node = nodes.get(tensor);
        if (node == null) {
            throw new IllegalArgumentException("tensor " + tensor + " named '" + name + "' was not used by any op"
                    + " recorded while this TapeGraph was open");
        }
        node.name = name;
        return this;
    }

    /** The number of recorded op calls. */
    public int opCount() {
        return order.size();
    }

    /** The number of distinct tensors the recorded ops read or wrote. */
    public int tensorCount() {
        return nodes.size();
    }

    void onRecorded(Function f, Tensor output) {
        Node[] in = new Node[f.inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = node(f.inputs[i]);
        }
        Op op = new Op(order.size(), f, in, node(output));
        ops.put(f, op);
        order.add(op);
    }

    void onOutputGradient(Function f, Tensor grad) {
        Op op = ops.get(f);
        if (op != null) {
            op.outputGradNorm = norm(grad);
        }
    }

    void onInputGradient(Function f, int input, Tensor grad) {
        Op op = ops.get(f);
        if (op != null) {
            op.inputGradNorms[input] = norm(grad);
        }
    }

    private Node node(Tensor t) {
        return nodes.computeIfAbsent(t, k -> new Node(nodes.size(), k));
    }

    private static double norm(Tensor t) {
        double sum = 0;
        for (float v : t.data()) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /**
     * The graph in Graphviz DOT: tensors as ellipses (name or kind, shape), ops as boxes (name,
     * forward and backward formula when the function gives one), edges in the forward direction,
     * each labelled with the norm of the gradient that flowed back along it, when backward ran.
     */
    public String toDot() {
        StringBuilder dot = new StringBuilder();
        dot.append("digraph tape {\n");
        dot.append("  rankdir=TB;\n");
        dot.append("  node [fontname=\"DejaVu Sans\", fontsize=11];\n");
        dot.append("  edge [fontname=\"DejaVu Sans\", fontsize=10, color=\"#555555\"];\n");
        List<Node> sorted = new ArrayList<>(nodes.values());
        sorted.sort((a, b) -> Integer.compare(a.id, b.id));
        for (Node n : sorted) {
            String kind = !n.leaf ? "" : n.requiresGrad ? "leaf, requires grad" : "constant";
            String label = (n.name != null ? n.name : n.leaf ? (n.requiresGrad ? "parameter" : "input") : "tensor")
                    + "\n" + Arrays.toString(n.shape) + (kind.isEmpty() ? "" : "\n" + kind);
            String fill = !n.leaf ? "#ffffff" : n.requiresGrad ? "#fde9c8" : "#e8e8e8";
            dot.append(String.format(
                    Locale.ROOT,
                    "  t%d [shape=ellipse, style=filled, fillcolor=\"%s\", label=\"%s\"];%n",
                    n.id,
                    fill,
                    escape(label)));
        }
        for (Op op : order) {
            String label = op.name
                    + (op.formula == null
                            ? "\n(no formula given)"
                            : "\nforward: " + op.formula.forward() + "\nbackward: " + op.formula.backward());
            dot.append(String.format(
                    Locale.ROOT,
                    "  op%d [shape=box, style=\"rounded,filled\", fillcolor=\"#dbe8f7\"," + " label=\"%s\"];%n",
                    op.id,
                    escape(label)));
            for (int i = 0; i < op.inputs.length; i++) {
                dot.append(String.format(
                        Locale.ROOT, "  t%d -> op%d%s;%n", op.inputs[i].id, op.id, edgeLabel(op.inputGradNorms[i])));
            }
            dot.append(String.format(
                    Locale.ROOT, "  op%d -> t%d%s;%n", op.id, op.output.id, edgeLabel(op.outputGradNorm)));
        }
        dot.append("}\n");
        return dot.toString();
    }

    private static String edgeLabel(double norm) {
        return Double.isNaN(norm) ? "" : String.format(Locale.ROOT, " [label=\"‖∂L/∂·‖ = %.3g\"]", norm);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

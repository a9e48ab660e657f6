package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * Lockstep: a block of members whose inputs are rows of their own, as a module's lockstep phase
 * ({@link PopulationForward#forwardMembers}) sees them. The block's {@code i}-th member's rows are
 * {@code [i·R, (i + 1)·R)} of the block's stacked {@link #input()} and {@link #base()} (the
 * unperturbed module's output of the block's rows), and its output goes to the same rows of the
 * block's output.
 * {@link #product} and {@link #addPerturbation} run every member of the block in one loop, reading its
 * noise where the evaluator keeps it, with no tensor per member.
 */
public final class MemberRows {

    private final PopulationEvaluator.Worker worker;
    PopulationEvaluator.Step<?> step;
    Tensor x;
    Tensor base;
    float[] out;
    /** The directions of this block, {@code [from, to)}. */
    int from;

    int to;
    /** Rows per member. */
    int rows;
    /** The index of the block's first member, whose rows start the block's tensors. */
    int first;

    private float[] scratch = new float[0];

    MemberRows(PopulationEvaluator.Worker worker) {
        this.worker = worker;
    }

    /** The block's members' inputs, stacked. */
    public Tensor input() {
        return x;
    }

    /** The module's unperturbed output of the block's rows: the base of each member's output. */
    public Tensor base() {
        return base;
    }

    /**
     * Each member's rows of the output: {@code base + s·σ·X_m·Eᵀ}, {@code X_m} its rows of the input
     * seen as {@code rows × k} and {@code E} its perturbation of {@code weight} ({@code out × k}), the
     * same numbers as {@link MatrixProduct#member} gives that member on its own rows with that base.
     *
     * @throws IllegalArgumentException when the shapes do not fit, or {@code weight} is not one of the
     *     module's parameters
     */
    public void product(Tensor weight) {
        int index = step.index(weight);
        int k = Perturbation.cols(weight);
        int n = Perturbation.rows(weight);
        if (x.size() != (long) x.dim(0) * k || base.size() != (long) base.dim(0) * n || x.dim(0) != base.dim(0)) {
            throw new IllegalArgumentException("the input and base of a product with a weight "
                    + Arrays.toString(weight.shape()) + " must be [rows, " + k + "] and [rows, " + n + "], got "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(base.shape()));
        }
        worker.ev.population.perturbation().addOwnProducts(this, index, weight);
    }

    /** Adds each member's {@code s·σ·e} for {@code param} (a bias, one value per output column) to its output rows. */
    public void addPerturbation(Tensor param) {
        int index = step.index(param);
        int cols = param.size();
        if (base.size() != (long) base.dim(0) * cols) {
            throw new IllegalArgumentException("a perturbation added to each row of an output "
                    + Arrays.toString(base.shape()) + " must have one value per column, got "
                    + Arrays.toString(param.shape()));
        }
        float[][][] kept = worker.ev.scaledCache;
        float[] delta = scratch(cols);
        Kernels k = Simd.kernels();
        for (int i = 0, count = members(); i < count; i++) {
            Member member = member(i);
            int at = (member.index - first) * rows * cols;
            float[] sigmaE = kept != null ? kept[member.direction][index] : null;
            if (sigmaE != null) {
                // s·σ·e is ±(σ·e) to the bit, and adding it with a multiplier of ±1 rounds once, as the add does.
                for (int row = 0; row < rows; row++, at += cols) {
                    k.axpyTo(cols, member.sign, sigmaE, 0, out, at, out, at);
                }
            } else {
                member.family().scaled(member.noise(index), param, member.scale(), delta);
                k.addRowVector(delta, 0, out, at, rows, cols);
            }
        }
    }

    /** The number of members in this block. */
    int members() {
        return (to - from) * (worker.ev.population.antithetic() ? 2 : 1);
    }

    /** Member {@code i} of this block, set to its direction and index. */
    Member member(int i) {
        boolean antithetic = worker.ev.population.antithetic();
        Member member = worker.members[antithetic ? i & 1 : 0];
        member.direction = from + (antithetic ? i >> 1 : i);
        member.index = antithetic ? 2 * member.direction + (i & 1) : member.direction;
        member.step = step;
        return member;
    }

    /** A buffer of this block's thread of at least {@code size} floats. */
    float[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new float[size];
        }
        return scratch;
    }

    /**
     * Each member through the module's member phase on copies of its own rows, in a workspace (or
     * the functional fallback): the lockstep phase of a module that has no loop of its own.
     */
    void forwardEach() {
        int all = members();
        int inBlock = x.size() / all;
        int outBlock = base.size() / all;
        try (Workspace space = Workspace.open()) {
            for (int i = 0, count = members(); i < count; i++) {
                Member member = member(i);
                Tensor xm = Workspace.uninitialized(block(x.shape(), all));
                Tensor ym = Workspace.uninitialized(block(base.shape(), all));
                System.arraycopy(x.data(), (member.index - first) * inBlock, xm.data(), 0, inBlock);
                System.arraycopy(base.data(), (member.index - first) * outBlock, ym.data(), 0, outBlock);
                Tensor o = step.forwardOwn(xm, ym, member);
                System.arraycopy(o.data(), 0, out, (member.index - first) * outBlock, outBlock);
            }
        }
    }

    /** The shape of one member's rows of a stacked tensor. */
    private static int[] block(int[] shape, int members) {
        int[] b = shape.clone();
        b[0] /= members;
        return b;
    }
}

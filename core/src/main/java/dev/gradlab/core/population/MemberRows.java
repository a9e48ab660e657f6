package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Simd;
import java.util.Arrays;

/**
 * Lockstep: a block of members whose inputs are rows of their own, as a module's lockstep phase
 * ({@link PopulationForward#forwardMembers}) sees them. The block's {@code i}-th member's rows are
 * {@code [i·R, (i + 1)·R)} of the block's stacked {@link #input()}, and its output goes to the same
 * rows of the block's output, which the lockstep phase sets: by {@link #linear} (one GEMM and one
 * loop over the members, no tensor per member), or by {@link #forwardEach}.
 */
public final class MemberRows {

    private final PopulationEvaluator.Worker worker;
    PopulationEvaluator.Step<?> step;
    /** The block's members: {@code members[from, to)}. */
    int[] members;

    int from;
    int to;
    /** Rows per member. */
    int rows;

    private Tensor x;
    /** The unperturbed module's output of the block's rows, once asked for. */
    private Tensor base;
    /** The block's output, once the lockstep phase has set it. */
    private Tensor output;

    private float[] scratch = new float[0];
    /** A member's perturbation of a bias, when the noise is not kept. */
    private float[] biasDelta = new float[0];

    MemberRows(PopulationEvaluator.Worker worker) {
        this.worker = worker;
    }

    /** Starts module {@code step}'s lockstep phase on the block's stacked input {@code x}. */
    void start(PopulationEvaluator.Step<?> step, Tensor x) {
        this.step = step;
        this.x = x;
        this.base = null;
        this.output = null;
    }

    /** The output the lockstep phase set. */
    Tensor finish() {
        if (output == null) {
            throw new IllegalStateException(
                    "the lockstep phase (forwardMembers) of " + step.module + " set no output for its members");
        }
        return output;
    }

    /** The block's members' inputs, stacked. */
    public Tensor input() {
        return x;
    }

    /** The module's unperturbed output of the block's rows (its forward, run on the first call). */
    public Tensor base() {
        if (base == null) {
            base = step.module.forward(x);
        }
        return base;
    }

    /**
     * The lockstep phase of a module whose forward is {@code x·Wᵀ + b}: sets each member's rows of the
     * output to {@code X_m·(W + s·σ·E)ᵀ + b + s·σ·e_b}, {@code X_m} its rows of the input seen as
     * {@code rows × k}, {@code E} its perturbation of {@code weight} ({@code out × k}) and {@code e_b}
     * of {@code bias}. The block's base products {@code X·Wᵀ + b} are one GEMM over the stacked rows,
     * to the bit the module's forward; then one loop over the members adds each member's product
     * ({@link MatrixProduct#member} on its own rows, with that base, gives the same numbers) and its
     * bias's perturbation into its rows.
     *
     * @param bias the bias, one value per output column, or null for none
     * @throws IllegalArgumentException when the shapes do not fit, or {@code weight} or {@code bias} is
     *     not one of the module's parameters
     */
    public void linear(Tensor weight, Tensor bias) {
        int index = step.index(weight);
        int k = Perturbation.cols(weight);
        int n = Perturbation.rows(weight);
        if (x.rank() != 2 || x.dim(1) != k) {
            throw new IllegalArgumentException("the input of a product with a weight "
                    + Arrays.toString(weight.shape()) + " must be [rows, " + k + "], got "
                    + Arrays.toString(x.shape()));
        }
        if (bias != null && bias.size() != n) {
            throw new IllegalArgumentException("a bias added to each row of a product with a weight "
                    + Arrays.toString(weight.shape()) + " must have " + n + " values, got "
                    + Arrays.toString(bias.shape()));
        }
        int biasIndex = bias == null ? -1 : step.index(bias);
        int total = x.dim(0);
        Tensor y = Workspace.uninitialized(total, n);
        // As the module's forward computes it (x.matmul(weight, false, true), then the bias).
        Blas.sgemm(false, true, total, n, k, 1f, x.data(), 0, k, weight.data(), 0, k, 0f, y.data(), 0, n);
        if (bias != null) {
            Simd.kernels().addRowVector(bias.data(), 0, y.data(), 0, total, n);
        }
        output = y;
        // Each member's product, then its bias's perturbation, in one pass over the block's members.
        worker.ev.population.perturbation().addOwnProducts(this, index, weight, biasIndex);
    }

    /** The block's output, {@code rows·members × out}, as {@link #linear} sets it before adding the members' terms. */
    float[] out() {
        return output.data();
    }

    /** The block's stacked input's numbers. */
    float[] in() {
        return x.data();
    }

    /**
     * Adds member {@code i} of the block's {@code s·σ·e} for parameter {@code index} of the model (a
     * bias, {@code cols} values, one per output column) to each of its output rows.
     */
    void addBias(int i, Member member, int index, int cols) {
        float[] out = output.data();
        KeptNoise kept = worker.ev.kept;
        int at = i * rows * cols;
        if (kept != null) {
            // s·σ·e is ±(σ·e) to the bit, and adding it with a multiplier of ±1 rounds once, as the add does.
            int e = kept.at(index, member.direction);
            for (int row = 0; row < rows; row++, at += cols) {
                Perturbation.rowAxpy(cols, member.sign, kept.scaled[index], e, out, at, out, at);
            }
        } else {
            if (biasDelta.length < cols) {
                biasDelta = new float[cols];
            }
            Tensor bias = worker.ev.params[index];
            member.family().scaled(member.noise(index), bias, member.scale(), biasDelta);
            Simd.kernels().addRowVector(biasDelta, 0, out, at, rows, cols);
        }
    }

    /** The array holding {@code member}'s noise for parameter {@code index} of the model, from {@link #noiseAt}. */
    float[] noise(int index, Member member) {
        KeptNoise kept = worker.ev.kept;
        return kept != null ? kept.noise[index] : member.noise(index);
    }

    /** Where {@code member}'s noise for parameter {@code index} starts in {@link #noise}'s array. */
    int noiseAt(int index, Member member) {
        KeptNoise kept = worker.ev.kept;
        return kept != null ? kept.at(index, member.direction) : 0;
    }

    /** The population's σ. */
    float sigma() {
        return worker.ev.population.sigma();
    }

    /** The number of members in this block. */
    int members() {
        return to - from;
    }

    /** Member {@code i} of this block, set to its direction and index. */
    Member member(int i) {
        int m = members[from + i];
        boolean antithetic = worker.ev.population.antithetic();
        Member member = worker.members[antithetic ? m & 1 : 0];
        member.direction = antithetic ? m >> 1 : m;
        member.index = m;
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
     * Each member through the module's member phase on copies of its own rows, with its rows of
     * {@link #base()} as the unperturbed output (or the functional fallback): the lockstep phase of a
     * module that has no loop of its own.
     */
    void forwardEach() {
        Tensor b = base();
        int all = members();
        int inBlock = x.size() / all;
        int outBlock = b.size() / all;
        Tensor y = Workspace.uninitialized(b.shape());
        try (Workspace space = Workspace.open()) {
            for (int i = 0; i < all; i++) {
                Member member = member(i);
                Tensor xm = Workspace.uninitialized(block(x.shape(), all));
                Tensor ym = Workspace.uninitialized(block(b.shape(), all));
                System.arraycopy(x.data(), i * inBlock, xm.data(), 0, inBlock);
                System.arraycopy(b.data(), i * outBlock, ym.data(), 0, outBlock);
                Tensor o = step.forwardOwn(xm, ym, member);
                System.arraycopy(o.data(), 0, y.data(), i * outBlock, outBlock);
            }
        }
        output = y;
    }

    /** The shape of one member's rows of a stacked tensor. */
    private static int[] block(int[] shape, int members) {
        int[] b = shape.clone();
        b[0] /= members;
        return b;
    }
}

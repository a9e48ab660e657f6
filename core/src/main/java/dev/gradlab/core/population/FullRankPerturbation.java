package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code E} = the noise, element by element. */
final class FullRankPerturbation extends Perturbation {

    static final FullRankPerturbation INSTANCE = new FullRankPerturbation();

    /** Slice length of the weighted sum: fixed, so its rounding never depends on the thread count. */
    static final int CHUNK = 4096;

    private FullRankPerturbation() {}

    @Override
    public int rank() {
        return 0;
    }

    @Override
    int noiseLength(Tensor param) {
        return param.size();
    }

    @Override
    void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset) {
        Simd.kernels().axpy(param.size(), scale, noise, noiseOffset, out, outOffset);
    }

    @Override
    MatrixProduct product(
            PopulationEvaluator.Evaluation everyMember,
            int index,
            Tensor x,
            Tensor weight,
            Tensor base,
            boolean columns) {
        return new Product(everyMember, index, x, weight, base, columns);
    }

    /**
     * With a base {@code S}: {@code P = σ·x·Eᵀ} ({@code σ·E·x} for columns), one GEMM per direction,
     * kept for the second member of a pair, and {@code S ± P}. Without: the perturbed weight built
     * once, and {@code x·(W + sσE)ᵀ}.
     */
    static final class Product extends MatrixProduct {
        /** Per worker, its direction's {@code P} and that direction; null for one member's own input. */
        private final Tensor[] pairs;

        private final int[] pairDirections;

        Product(
                PopulationEvaluator.Evaluation everyMember,
                int index,
                Tensor x,
                Tensor weight,
                Tensor base,
                boolean columns) {
            super(x, weight, index, base, columns);
            boolean paired = everyMember != null && base != null && everyMember.population.antithetic();
            this.pairs = paired ? new Tensor[everyMember.workers] : null;
            this.pairDirections = paired ? new int[everyMember.workers] : null;
        }

        @Override
        public Tensor member(Member member) {
            Tensor y = Workspace.uninitialized(columns ? base.shape() : new int[] {rows, out});
            if (base == null) {
                product(1f, member.perturbed(weight).data(), y);
                return y;
            }
            int slot = member.worker.slot;
            Tensor p = pairs != null && pairs[slot] != null && pairDirections[slot] == member.direction
                    ? pairs[slot]
                    : null;
            if (p == null) {
                p = columns ? Workspace.uninitialized(out, rows) : Workspace.uninitialized(rows, out);
                product(member.sigma(), member.noise(index), p);
                if (pairs != null) {
                    pairs[slot] = p;
                    pairDirections[slot] = member.direction;
                }
            }
            if (columns) {
                addColumns(member, p.data(), 0, rows, 1, 0, null, member.sign, y.data());
            } else {
                Simd.kernels().axpyTo(rows * out, member.sign, p.data(), 0, base.data(), 0, y.data(), 0);
            }
            return y;
        }

        /** {@code y = alpha·x·wᵀ}, or {@code alpha·w·x} for columns, {@code w} being {@code out × in}. */
        private void product(float alpha, float[] w, Tensor y) {
            if (columns) {
                Blas.sgemm(false, false, out, rows, in, alpha, w, 0, in, x.data(), 0, rows, 0f, y.data(), 0, rows);
            } else {
                Blas.sgemm(false, true, rows, out, in, alpha, x.data(), 0, in, w, 0, in, 0f, y.data(), 0, out);
            }
        }
    }

    /**
     * Per member, {@code P = σ·X_m·Eᵀ} into a buffer of the thread's (the product {@link Product#member}
     * makes in a workspace tensor) and {@code base ± P} into its rows of the output, which holds the base.
     */
    @Override
    void addOwnProducts(MemberRows rows, int index, Tensor weight, int biasIndex) {
        int out = rows(weight);
        int in = cols(weight);
        int r = rows.rows;
        float[] x = rows.in();
        float[] y = rows.out();
        float[] p = rows.scratch(r * out);
        for (int i = 0, count = rows.members(); i < count; i++) {
            Member member = rows.member(i);
            int first = i * r;
            productBt(
                    r,
                    out,
                    in,
                    member.sigma(),
                    x,
                    first * in,
                    rows.noise(index, member),
                    rows.noiseAt(index, member),
                    p);
            Simd.kernels().axpyTo(r * out, member.sign, p, 0, y, first * out, y, first * out);
            if (biasIndex >= 0) {
                rows.addBias(i, member, biasIndex, out);
            }
        }
    }

    /** Slices of {@code CHUNK} elements in parallel, each summed over the directions in index order. */
    @Override
    void weightedSum(
            Population population, Tensor param, long noiseOffset, float[] weights, float[] out, int outOffset) {
        int n = param.size();
        int chunks = (n + CHUNK - 1) / CHUNK;
        int workers = Math.max(1, Math.min(Parallel.threads(), chunks));
        AtomicInteger next = new AtomicInteger();
        Parallel.forEach(workers, w -> {
            float[] e = new float[Math.min(CHUNK, n)];
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * CHUNK;
                int len = Math.min(CHUNK, n - from);
                Arrays.fill(out, outOffset + from, outOffset + from + len, 0f);
                for (int d = 0; d < population.directions(); d++) {
                    if (weights[d] != 0f) {
                        population.noise(d, noiseOffset + from, e, 0, len);
                        Simd.kernels().axpy(len, weights[d], e, 0, out, outOffset + from);
                    }
                }
            }
        });
    }

    @Override
    public String toString() {
        return "full-rank";
    }
}

package dev.gradlab.core.population;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.simd.Blas;
import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code E = A·Bᵀ/√r} for matrices. A direction's noise for an {@code out × in} matrix is
 * {@code Aᵀ} ({@code r × out}, row-major) followed by {@code Bᵀ} ({@code r × in}), so that each
 * factor's columns are contiguous; vectors take their noise full-rank.
 */
final class LowRankPerturbation extends Perturbation {

    private final int rank;
    private final float norm;

    LowRankPerturbation(int rank) {
        if (rank < 1) {
            throw new InvalidSettingException(
                    "rank", "must be >= 1, got " + rank + " (low-rank perturbations need rank >= 1)");
        }
        this.rank = rank;
        this.norm = (float) (1 / Math.sqrt(rank));
    }

    @Override
    public int rank() {
        return rank;
    }

    private static boolean matrix(Tensor param) {
        return param.rank() >= 2;
    }

    @Override
    int noiseLength(Tensor param) {
        if (!matrix(param)) {
            return param.size();
        }
        long n = (long) rank * (rows(param) + cols(param));
        return Math.toIntExact(Math.min(n, Integer.MAX_VALUE));
    }

    @Override
    void addTo(float[] noise, int noiseOffset, Tensor param, float scale, float[] out, int outOffset) {
        if (!matrix(param)) {
            FullRankPerturbation.INSTANCE.addTo(noise, noiseOffset, param, scale, out, outOffset);
            return;
        }
        int m = rows(param);
        int n = cols(param);
        // out += scale/√r · A Bᵀ = scale/√r · (Aᵀ)ᵀ (Bᵀ)
        Blas.sgemm(
                true,
                false,
                m,
                n,
                rank,
                scale * norm,
                noise,
                noiseOffset,
                m,
                noise,
                noiseOffset + rank * m,
                n,
                1f,
                out,
                outOffset,
                n);
    }

    @Override
    MatrixProduct product(
            PopulationEvaluator.Evaluation everyMember,
            int index,
            Tensor x,
            Tensor weight,
            Tensor base,
            boolean columns) {
        if (!matrix(weight)) {
            return FullRankPerturbation.INSTANCE.product(everyMember, index, x, weight, base, columns);
        }
        return new Product(everyMember, index, x, weight, base, columns);
    }

    /**
     * {@code y_i = S_i + coef·Σ_k xb[i, k]·A_k} for every row {@code i}, {@code A_k} being row
     * {@code k} of {@code Aᵀ} (the start of {@code noise}): the rank-r update, r axpys per row.
     */
    private void addOuter(
            int rows,
            int out,
            float[] xb,
            int xbOffset,
            int ldxb,
            float[] noise,
            float coef,
            float[] s,
            float[] y,
            int yOffset) {
        Kernels k = Simd.kernels();
        for (int i = 0; i < rows; i++) {
            int row = yOffset + i * out;
            int at = xbOffset + i * ldxb;
            k.axpyTo(out, coef * xb[at], noise, 0, s, row, y, row);
            for (int f = 1; f < rank; f++) {
                k.axpy(out, coef * xb[at + f], noise, f * out, y, row);
            }
        }
    }

    /**
     * A member's own rows with a base (lockstep): {@code y_i = S_i + Σ_f (coef·(x_i·B_f))·A_f} for each
     * of {@code rows} rows {@code x_i} (from {@code xOffset}, {@code in} apart), {@code B_f} being row
     * {@code f} of {@code Bᵀ} and {@code A_f} of {@code Aᵀ} in {@code noise} from {@code noiseOffset}.
     * A lockstep step has a row or a few per member, where a GEMM's set-up costs more than the
     * products: a dot product and an axpy per row and factor ({@link Perturbation#rowDot},
     * {@link Perturbation#rowAxpy}).
     */
    private void addOwnRows(
            int rows,
            int in,
            int out,
            float[] x,
            int xOffset,
            float[] noise,
            int noiseOffset,
            float coef,
            float[] s,
            float[] y,
            int yOffset) {
        int bOffset = noiseOffset + rank * out;
        for (int i = 0; i < rows; i++) {
            int row = yOffset + i * out;
            float[] from = s;
            for (int f = 0; f < rank; f++) {
                float a = coef * rowDot(x, xOffset + i * in, noise, bOffset + f * in, in);
                rowAxpy(out, a, noise, noiseOffset + f * out, from, row, y, row);
                from = y;
            }
        }
    }

    /**
     * Per member, the rank-r update of its rows of the output, which hold the base: the numbers
     * {@link Product#member} gives on its own rows with that base.
     */
    @Override
    void addOwnProducts(MemberRows rows, int index, Tensor weight, int biasIndex) {
        if (!matrix(weight)) {
            FullRankPerturbation.INSTANCE.addOwnProducts(rows, index, weight, biasIndex);
            return;
        }
        int out = rows(weight);
        int in = cols(weight);
        int r = rows.rows;
        float[] x = rows.in();
        float[] y = rows.out();
        float sigma = rows.sigma();
        for (int i = 0, count = rows.members(); i < count; i++) {
            Member member = rows.member(i);
            float coef = member.sign * sigma * norm;
            addOwnRows(
                    r,
                    in,
                    out,
                    x,
                    i * r * in,
                    rows.noise(index, member),
                    rows.noiseAt(index, member),
                    coef,
                    y,
                    y,
                    i * r * out);
            if (biasIndex >= 0) {
                rows.addBias(i, member, biasIndex, out);
            }
        }
    }

    /**
     * {@code x·(W + sσ·A·Bᵀ/√r)ᵀ = base + sσ/√r·(x·B)·Aᵀ}: {@code rows·r·(in + out)} multiply-adds a
     * member instead of {@code rows·in·out}. With a base seen by every member, {@code x·B} of every
     * direction is one product, made here; without a base, {@code x·Wᵀ} is the member's own. For
     * columns the same transposed: {@code Bᵀ·x} of every direction, and {@code base + sσ/√r·A·(Bᵀ·x)}.
     */
    final class Product extends MatrixProduct {
        /**
         * {@code x·B_d} of every direction, {@code rows × (D·r)} ({@code (D·r) × rows} for columns);
         * null when each member computes its own.
         */
        private final float[] xb;

        Product(
                PopulationEvaluator.Evaluation everyMember,
                int index,
                Tensor x,
                Tensor weight,
                Tensor base,
                boolean columns) {
            super(x, weight, index, base, columns);
            this.xb = everyMember != null && base != null ? shareXB(everyMember) : null;
        }

        /** {@code x·B_d} for every direction, from one product with the stacked {@code B_dᵀ}. */
        private float[] shareXB(PopulationEvaluator.Evaluation ev) {
            Population population = ev.population;
            long noiseOffset = ev.noiseOffsets[index] + (long) rank * out;
            int directions = population.directions();
            int k = directions * rank;
            float[] bt = Workspace.uninitialized(k, in).data();
            AtomicInteger next = new AtomicInteger();
            Parallel.forEach(Math.min(Parallel.threads(), directions), w -> {
                for (int d; (d = next.getAndIncrement()) < directions; ) {
                    population.noise(d, noiseOffset, bt, d * rank * in, rank * in);
                }
            });
            float[] product = Workspace.uninitialized(rows, k).data();
            if (columns) {
                Blas.sgemm(false, false, k, rows, in, 1f, bt, 0, in, x.data(), 0, rows, 0f, product, 0, rows);
            } else {
                Blas.sgemm(false, true, rows, k, in, 1f, x.data(), 0, in, bt, 0, in, 0f, product, 0, k);
            }
            return product;
        }

        @Override
        public Tensor member(Member member) {
            float[] noise = member.noise(index);
            float coef = member.sign * member.sigma() * norm;
            if (columns) {
                return memberColumns(member, noise, coef);
            }
            Tensor y = Workspace.uninitialized(rows, out);
            if (xb != null) {
                addOuter(
                        rows,
                        out,
                        xb,
                        member.direction * rank,
                        xb.length / rows,
                        noise,
                        coef,
                        base.data(),
                        y.data(),
                        0);
                return y;
            }
            if (base != null) {
                // A member's own rows with a base: lockstep, where MemberRows.linear adds the same products.
                addOwnRows(rows, in, out, x.data(), 0, noise, 0, coef, base.data(), y.data(), 0);
                return y;
            }
            float[] s = y.data();
            Blas.sgemm(false, true, rows, out, in, 1f, x.data(), 0, in, weight.data(), 0, in, 0f, s, 0, out);
            float[] own = Workspace.uninitialized(rows, rank).data();
            Blas.sgemm(false, true, rows, rank, in, 1f, x.data(), 0, in, noise, rank * out, in, 0f, own, 0, rank);
            addOuter(rows, out, own, 0, rank, noise, coef, s, y.data(), 0);
            return y;
        }

        /** For columns (always with a base): {@code base + coef·A·(Bᵀ·x)}, {@code Bᵀ·x} shared or its own. */
        private Tensor memberColumns(Member member, float[] noise, float coef) {
            Tensor y = Workspace.uninitialized(base.shape());
            if (xb != null) {
                addColumns(member, xb, member.direction * rank * rows, 0, rank, rows, noise, coef, y.data());
                return y;
            }
            float[] own = Workspace.uninitialized(rank, rows).data();
            Blas.sgemm(false, false, rank, rows, in, 1f, noise, rank * out, in, x.data(), 0, rows, 0f, own, 0, rows);
            addColumns(member, own, 0, 0, rank, rows, noise, coef, y.data());
            return y;
        }
    }

    /**
     * {@code Σ_d w_d A_d B_dᵀ/√r} as one product of the stacked factors: {@code [w_d A_dᵀ]} and
     * {@code [B_dᵀ]} are {@code (D·r) × out} and {@code (D·r) × in}, and the sum is their
     * {@code (w A)ᵀ B} over {@code K = D·r}.
     */
    @Override
    void weightedSum(
            Population population, Tensor param, long noiseOffset, float[] weights, float[] out, int outOffset) {
        if (!matrix(param)) {
            FullRankPerturbation.INSTANCE.weightedSum(population, param, noiseOffset, weights, out, outOffset);
            return;
        }
        int m = rows(param);
        int n = cols(param);
        int directions = population.directions();
        int k = directions * rank;
        float[] a = Workspace.uninitialized(k, m).data();
        float[] b = Workspace.uninitialized(k, n).data();
        AtomicInteger next = new AtomicInteger();
        Parallel.forEach(Math.min(Parallel.threads(), directions), w -> {
            for (int d; (d = next.getAndIncrement()) < directions; ) {
                population.noise(d, noiseOffset, a, d * rank * m, rank * m);
                population.noise(d, noiseOffset + (long) rank * m, b, d * rank * n, rank * n);
                float wd = weights[d];
                for (int i = d * rank * m, end = i + rank * m; i < end; i++) {
                    a[i] *= wd;
                }
            }
        });
        Blas.sgemm(true, false, m, n, k, norm, a, 0, m, b, 0, n, 0f, out, outOffset, n);
    }

    @Override
    public String toString() {
        return "low-rank(r=" + rank + ")";
    }
}

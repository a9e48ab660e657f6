package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Blas;

/**
 * {@code C[…] = A[…] · B[…]}: matrix products over the last two dims, batched over the leading dims,
 * which broadcast ({@code A} is {@code … × m × k}, {@code B} is {@code … × k × n}). Backward, per
 * batch: {@code dA = G · Bᵀ}, {@code dB = Aᵀ · G}, summed into a matrix that was broadcast; each is
 * one {@link Blas#sgemm} call accumulating into the gradient.
 */
public final class BatchedMatMul extends Function {

    private int m;
    private int n;
    private int k;
    /** For each output batch, the index of the matrix of A and of B it reads. */
    private int[] aIndex;

    private int[] bIndex;

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor a = in[0];
        Tensor b = in[1];
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2 || as[as.length - 1] != bs[bs.length - 2]) {
            throw new IllegalArgumentException("matmul: shapes " + Dims.str(as) + " and " + Dims.str(bs)
                    + " do not multiply (needs … × m × k and … × k × n)");
        }
        m = as[as.length - 2];
        k = as[as.length - 1];
        n = bs[bs.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(as, as.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Broadcast.shape("matmul", aBatch, bBatch);
        int count = 1;
        for (int d : batch) {
            count *= d;
        }
        aIndex = batchIndices(aBatch, batch, count);
        bIndex = batchIndices(bBatch, batch, count);
        int[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        Tensor c = newUninitialized(out);
        for (int i = 0; i < count; i++) {
            Blas.sgemm(
                    false,
                    false,
                    m,
                    n,
                    k,
                    1f,
                    a.data(),
                    aIndex[i] * m * k,
                    k,
                    b.data(),
                    bIndex[i] * k * n,
                    n,
                    0f,
                    c.data(),
                    i * m * n,
                    n);
        }
        saveForBackward(a, b);
        return c;
    }

    /** For each batch of {@code out} in row-major order, the batch of {@code shape} broadcast to it. */
    private static int[] batchIndices(int[] shape, int[] out, int count) {
        int[] strides = Broadcast.strides(shape, out);
        int[] result = new int[count];
        int[] index = new int[out.length];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            result[i] = offset;
            for (int d = out.length - 1; d >= 0; d--) {
                if (++index[d] < out[d]) {
                    offset += strides[d];
                    break;
                }
                index[d] = 0;
                offset -= strides[d] * (out[d] - 1);
            }
        }
        return result;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        Tensor ga = needsInputGrad(0) ? newTensorLike(a) : null;
        Tensor gb = needsInputGrad(1) ? newTensorLike(b) : null;
        for (int i = 0; i < aIndex.length; i++) {
            if (ga != null) {
                Blas.sgemm(
                        false,
                        true,
                        m,
                        k,
                        n,
                        1f,
                        g.data(),
                        i * m * n,
                        n,
                        b.data(),
                        bIndex[i] * k * n,
                        n,
                        1f,
                        ga.data(),
                        aIndex[i] * m * k,
                        k);
            }
            if (gb != null) {
                Blas.sgemm(
                        true,
                        false,
                        k,
                        n,
                        m,
                        1f,
                        a.data(),
                        aIndex[i] * m * k,
                        k,
                        g.data(),
                        i * m * n,
                        n,
                        1f,
                        gb.data(),
                        bIndex[i] * k * n,
                        n);
            }
        }
        return new Tensor[] {ga, gb};
    }

    @Override
    protected Formula formula() {
        return new Formula("z[…] = a[…]·b[…]", "∂L/∂a = ∂L/∂z·bᵀ,  ∂L/∂b = aᵀ·∂L/∂z  (summed over broadcast batches)");
    }
}

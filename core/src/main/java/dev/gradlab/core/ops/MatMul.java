package dev.gradlab.core.ops;

import dev.gradlab.core.Function;
import dev.gradlab.core.Tensor;
import dev.gradlab.simd.Blas;
import java.util.Arrays;

/**
 * {@code C = op(A) · op(B)} for rank-2 tensors, where op transposes when asked; {@code op(A)} is
 * {@code m × k}, {@code op(B)} is {@code k × n}. Backward: {@code dop(A) = G · op(B)ᵀ} and
 * {@code dop(B) = op(A)ᵀ · G}, each written back in its input's stored layout, so every product is
 * one {@link Blas#sgemm} call with the right transpose flags and no transposed copy is made.
 */
public final class MatMul extends Function {

    private final boolean transA;
    private final boolean transB;
    private int m;
    private int n;
    private int k;

    public MatMul(boolean transA, boolean transB) {
        this.transA = transA;
        this.transB = transB;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor a = in[0];
        Tensor b = in[1];
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs rank-2 tensors, got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
        m = transA ? a.dim(1) : a.dim(0);
        k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException(
                    "matmul: inner dimensions differ, " + describe(a, transA) + " · " + describe(b, transB));
        }
        saveForBackward(a, b);
        Tensor c = newUninitialized(m, n);
        Blas.sgemm(transA, transB, m, n, k, 1f, a.data(), 0, a.dim(1), b.data(), 0, b.dim(1), 0f, c.data(), 0, n);
        return c;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        Tensor ga = null;
        Tensor gb = null;
        if (needsInputGrad(0)) {
            ga = newUninitializedLike(a);
            if (transA) {
                // A is stored k × m: dA = op(B) · Gᵀ
                Blas.sgemm(transB, true, k, m, n, 1f, b.data(), 0, b.dim(1), g.data(), 0, n, 0f, ga.data(), 0, m);
            } else {
                Blas.sgemm(false, !transB, m, k, n, 1f, g.data(), 0, n, b.data(), 0, b.dim(1), 0f, ga.data(), 0, k);
            }
        }
        if (needsInputGrad(1)) {
            gb = newUninitializedLike(b);
            if (transB) {
                // B is stored n × k: dB = Gᵀ · op(A)
                Blas.sgemm(true, transA, n, k, m, 1f, g.data(), 0, n, a.data(), 0, a.dim(1), 0f, gb.data(), 0, k);
            } else {
                Blas.sgemm(!transA, false, k, n, m, 1f, a.data(), 0, a.dim(1), g.data(), 0, n, 0f, gb.data(), 0, n);
            }
        }
        return new Tensor[] {ga, gb};
    }

    /** The product and its two gradients, for each transpose form; a, b are the stored inputs. */
    @Override
    protected Formula formula() {
        String a = transA ? "aᵀ" : "a";
        String b = transB ? "bᵀ" : "b";
        String ga = transA ? (transB ? "bᵀ·(∂L/∂z)ᵀ" : "b·(∂L/∂z)ᵀ") : (transB ? "∂L/∂z·b" : "∂L/∂z·bᵀ");
        String gb = transB ? (transA ? "(∂L/∂z)ᵀ·aᵀ" : "(∂L/∂z)ᵀ·a") : (transA ? "a·∂L/∂z" : "aᵀ·∂L/∂z");
        return new Formula("z = " + a + "·" + b, "∂L/∂a = " + ga + ",  ∂L/∂b = " + gb);
    }

    private static String describe(Tensor t, boolean transposed) {
        return Arrays.toString(t.shape()) + (transposed ? "ᵀ" : "");
    }
}

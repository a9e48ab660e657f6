package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * karpathy/micrograd's own two tests ({@code test/test_engine.py}), the same expressions written
 * with gradlab's tensors (rank 0), against the values PyTorch gives there. Several intermediate
 * values are used more than once, so their gradients must accumulate.
 */
class MicrogradTest {

    @Test
    void sanityCheck() {
        Tensor x = Tensor.scalar(-4f).requiresGrad(true);
        Tensor z = x.mul(2f).add(2f).add(x);
        Tensor q = z.relu().add(z.mul(x));
        Tensor h = z.mul(z).relu();
        Tensor y = h.add(q).add(q.mul(x));
        y.backward();
        assertEquals(-20.0, y.item(), 1e-4);
        assertEquals(46.0, x.grad().item(), 1e-4);
    }

    @Test
    void moreOps() {
        Tensor a = Tensor.scalar(-4f).requiresGrad(true);
        Tensor b = Tensor.scalar(2f).requiresGrad(true);
        Tensor c = a.add(b);
        Tensor d = a.mul(b).add(b.pow(3f));
        c = c.add(c.add(1f));
        c = c.add(Tensor.scalar(1f).add(c).add(a.neg()));
        d = d.add(d.mul(2f).add(b.add(a).relu()));
        d = d.add(Tensor.scalar(3f).mul(d).add(b.sub(a).relu()));
        Tensor e = c.sub(d);
        Tensor f = e.pow(2f);
        Tensor g = f.div(2f);
        g = g.add(Tensor.scalar(10f).div(f));
        g.backward();
        assertEquals(24.70408163265306, g.item(), 1e-4);
        assertEquals(138.83381924198252, a.grad().item(), 1e-4);
        assertEquals(645.5772594752186, b.grad().item(), 1e-4);
    }
}

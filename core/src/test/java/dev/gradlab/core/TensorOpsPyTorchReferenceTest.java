package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tensor op, and a few composite expressions (a layer, attention, layer norm, a mix), against
 * PyTorch float64 values written by {@code core/scripts/tensor_ops_reference.py}: the output and the
 * gradient of each input for the loss {@code Σ output·w}, from the same float32 inputs and weights.
 * The expressions here are the script's, case by case.
 *
 * <p>Tolerance: relative error at most 1e-4, {@code |actual − expected| / max(|expected|, floor)},
 * where the floor, 1e-2 of the block's largest magnitude, keeps elements that cancel to near zero
 * from being compared relatively.
 */
class TensorOpsPyTorchReferenceTest {

    private static final ReferenceFile REFERENCE = ReferenceFile.read("tensor_ops_reference.txt");

    @FunctionalInterface
    interface Expression {
        Tensor apply(Tensor... in);
    }

    private static final Map<String, Expression> CASES = new LinkedHashMap<>();

    static {
        CASES.put("add_broadcast", in -> in[0].add(in[1]));
        CASES.put("add_rank0", in -> in[0].add(in[1]));
        CASES.put("add_bias", in -> in[0].add(in[1]));
        CASES.put("add_same", in -> in[0].add(in[1]));
        CASES.put("sub", in -> in[0].sub(in[1]));
        CASES.put("mul", in -> in[0].mul(in[1]));
        CASES.put("mul_same", in -> in[0].mul(in[1]));
        CASES.put("div", in -> in[0].div(in[1]));
        CASES.put("pow", in -> in[0].pow(in[1]));
        CASES.put("maximum", in -> in[0].maximum(in[1]));
        CASES.put("minimum", in -> in[0].minimum(in[1]));
        CASES.put("add_float", in -> in[0].add(1.5f));
        CASES.put("sub_float", in -> in[0].sub(1.5f));
        CASES.put("mul_float", in -> in[0].mul(1.5f));
        CASES.put("div_float", in -> in[0].div(1.5f));
        CASES.put("pow_float", in -> in[0].pow(2.5f));
        CASES.put("pow_float_negative_base", in -> in[0].pow(3f));
        CASES.put("neg", in -> in[0].neg());
        CASES.put("exp", in -> in[0].exp());
        CASES.put("log", in -> in[0].log());
        CASES.put("sqrt", in -> in[0].sqrt());
        CASES.put("abs", in -> in[0].abs());
        CASES.put("reciprocal", in -> in[0].reciprocal());
        CASES.put("square", in -> in[0].square());
        CASES.put("clamp", in -> in[0].clamp(-0.5f, 0.5f));
        CASES.put("relu", in -> in[0].relu());
        CASES.put("sigmoid", in -> in[0].sigmoid());
        CASES.put("tanh", in -> in[0].tanh());
        CASES.put("requ", in -> in[0].requ());
        CASES.put("sum", in -> in[0].sum());
        CASES.put("mean", in -> in[0].mean());
        CASES.put("sum_dim", in -> in[0].sum(1, false));
        CASES.put("sum_dim_keepdim", in -> in[0].sum(-1, true));
        CASES.put("mean_dim", in -> in[0].mean(0, false));
        CASES.put("mean_dim_keepdim", in -> in[0].mean(-2, true));
        CASES.put("max_dim", in -> in[0].max(1, false));
        CASES.put("max_dim_keepdim", in -> in[0].max(-1, true));
        CASES.put("min_dim", in -> in[0].min(0, false));
        CASES.put("max", in -> in[0].max());
        CASES.put("min", in -> in[0].min());
        CASES.put("argmax", in -> in[0].argmax(1));
        CASES.put("softmax", in -> in[0].softmax(1));
        CASES.put("softmax_last", in -> in[0].softmax(-1));
        CASES.put("log_softmax", in -> in[0].logSoftmax(0));
        CASES.put("log_softmax_last", in -> in[0].logSoftmax());
        CASES.put("reshape", in -> in[0].reshape(4, -1));
        CASES.put("transpose", in -> in[0].transpose(0, 2));
        CASES.put("permute", in -> in[0].permute(2, 0, 1));
        CASES.put("flatten", in -> in[0].flatten(1, 2));
        CASES.put("unsqueeze", in -> in[0].unsqueeze(1));
        CASES.put("squeeze", in -> in[0].squeeze(1));
        CASES.put("expand", in -> in[0].expand(2, 3, 4));
        CASES.put("cat", in -> Tensor.cat(List.of(in[0], in[1], in[0]), 1));
        CASES.put("stack", in -> Tensor.stack(List.of(in[0], in[1]), 1));
        CASES.put("select", in -> in[0].select(1, -1));
        CASES.put("narrow", in -> in[0].narrow(2, 1, 2));
        CASES.put("index_select", in -> in[0].indexSelect(0, new int[] {2, 0, 2}));
        CASES.put("detach", in -> in[0].mul(in[0].detach()));
        CASES.put("matmul", in -> in[0].matmul(in[1]));
        CASES.put("matmul_batched", in -> in[0].matmul(in[1]));
        CASES.put("matmul_broadcast", in -> in[0].matmul(in[1]));
        CASES.put("matmul_vector_matrix", in -> in[0].matmul(in[1]));
        CASES.put("matmul_matrix_vector", in -> in[0].matmul(in[1]));
        CASES.put("matmul_dot", in -> in[0].matmul(in[1]));
        CASES.put(
                "composite_layer",
                in -> in[0].matmul(in[1].transpose(0, 1)).add(in[2]).tanh().mean(0, false));
        CASES.put(
                "composite_attention",
                in -> in[0].matmul(in[1].transpose(-1, -2)).div(2f).softmax(-1).matmul(in[2]));
        CASES.put("composite_layer_norm", in -> {
            Tensor c = in[0].sub(in[0].mean(-1, true));
            return c.div(c.pow(2f).mean(-1, true).add(1e-5f).sqrt());
        });
        CASES.put("composite_mix", in -> {
            Tensor x = in[0];
            Tensor y = in[1];
            return x.exp()
                    .add(1f)
                    .log()
                    .mul(y.sigmoid())
                    .sum(0, false)
                    .div(x.abs().add(1f).max(0, false))
                    .add(x.maximum(y).square().mean())
                    .sub(x.clamp(-1f, 1f).pow(2f).sum(1, true).sqrt().min());
        });
    }

    static Stream<String> cases() {
        return CASES.keySet().stream();
    }

    @Test
    void everyCaseInTheFileHasItsExpressionHere() {
        Set<String> inFile = new TreeSet<>();
        for (String block : REFERENCE.values().keySet()) {
            inFile.add(block.substring(0, block.indexOf('.')));
        }
        assertEquals(inFile, new TreeSet<>(CASES.keySet()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(String name) {
        List<Tensor> inputs = new ArrayList<>();
        boolean differentiable = REFERENCE.get(name + ".w") != null;
        for (int i = 0; REFERENCE.get(name + ".in" + i) != null; i++) {
            inputs.add(REFERENCE.tensor(name + ".in" + i).requiresGrad(differentiable));
        }
        Tensor out = CASES.get(name).apply(inputs.toArray(new Tensor[0]));
        assertArrayEquals(REFERENCE.shapes().get(name + ".out"), out.shape(), name + ".out shape");
        assertClose(name + ".out", out.data());
        if (!differentiable) {
            return;
        }
        out.mul(REFERENCE.tensor(name + ".w")).sum().backward();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor grad = inputs.get(i).grad();
            assertNotNull(grad, name + ": input " + i + " received no gradient");
            assertClose(name + ".grad" + i, grad.data());
        }
    }

    private static void assertClose(String block, float[] actual) {
        double[] expected = REFERENCE.get(block);
        assertEquals(expected.length, actual.length, block + " length");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-2 * scale);
            int index = i;
            assertTrue(
                    error <= 1e-4,
                    () -> block + "[" + index + "]: expected " + expected[index] + ", got " + actual[index]
                            + " (relative error " + error + ")");
        }
    }
}

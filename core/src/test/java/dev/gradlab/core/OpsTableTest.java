package dev.gradlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.ops.Abs;
import dev.gradlab.core.ops.Add;
import dev.gradlab.core.ops.AddBias;
import dev.gradlab.core.ops.BatchedMatMul;
import dev.gradlab.core.ops.Cat;
import dev.gradlab.core.ops.Clamp;
import dev.gradlab.core.ops.CrossEntropy;
import dev.gradlab.core.ops.Div;
import dev.gradlab.core.ops.Exp;
import dev.gradlab.core.ops.Expand;
import dev.gradlab.core.ops.IndexSelect;
import dev.gradlab.core.ops.Log;
import dev.gradlab.core.ops.LogSoftmax;
import dev.gradlab.core.ops.MatMul;
import dev.gradlab.core.ops.MaxAll;
import dev.gradlab.core.ops.MaxDim;
import dev.gradlab.core.ops.Maximum;
import dev.gradlab.core.ops.Mean;
import dev.gradlab.core.ops.MeanSquaredError;
import dev.gradlab.core.ops.Minimum;
import dev.gradlab.core.ops.Mul;
import dev.gradlab.core.ops.Narrow;
import dev.gradlab.core.ops.Neg;
import dev.gradlab.core.ops.Permute;
import dev.gradlab.core.ops.Pow;
import dev.gradlab.core.ops.ReLUFunction;
import dev.gradlab.core.ops.ReQUFunction;
import dev.gradlab.core.ops.Reciprocal;
import dev.gradlab.core.ops.Reshape;
import dev.gradlab.core.ops.SigmoidFunction;
import dev.gradlab.core.ops.Softmax;
import dev.gradlab.core.ops.Sqrt;
import dev.gradlab.core.ops.Square;
import dev.gradlab.core.ops.Sub;
import dev.gradlab.core.ops.Sum;
import dev.gradlab.core.ops.SumDim;
import dev.gradlab.core.ops.TanhFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The table of ops in docs/core.md is generated from each op's {@link Function.Formula}: this test
 * compares it with the file, and rewrites it when run with {@code -Dgradlab.writeDocs=true}.
 */
class OpsTableTest {

    private static final Path DOC = Path.of("..", "docs", "core.md");
    private static final String BEGIN = "<!-- ops table: generated from the ops' Formulas by OpsTableTest -->\n";
    private static final String END = "<!-- end of ops table -->\n";

    private static final StringBuilder TABLE = new StringBuilder();

    private static void row(String methods, Function op, String copies) {
        Function.Formula f = op.formula();
        assertNotNull(f, op.getClass().getSimpleName() + " gives no Formula");
        TABLE.append("| ")
                .append(methods)
                .append(" | `")
                .append(op.getClass().getSimpleName())
                .append("` | ")
                .append(cell(f.forward()))
                .append(" | ")
                .append(cell(f.backward()))
                .append(" | ")
                .append(copies)
                .append(" |\n");
    }

    /** A table cell: a | would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    static String table() {
        TABLE.setLength(0);
        TABLE.append("| `Tensor` method | `Function` (core/ops) | forward | backward | copy |\n");
        TABLE.append("| --- | --- | --- | --- | --- |\n");
        row("`add(Tensor)`, `add(float)`", new Add(), "");
        row("`add(Tensor)` of a rows × cols and a [cols] tensor", new AddBias(), "");
        row("`sub(Tensor)`, `sub(float)`", new Sub(), "");
        row("`mul(Tensor)`, `mul(float)`", new Mul(), "");
        row("`div(Tensor)`, `div(float)`", new Div(), "");
        row("`pow(Tensor)`, `pow(float)`", new Pow(), "");
        row("`maximum(Tensor)`", new Maximum(), "");
        row("`minimum(Tensor)`", new Minimum(), "");
        row("`neg()`", new Neg(), "");
        row("`exp()`", new Exp(), "");
        row("`log()`", new Log(), "");
        row("`sqrt()`", new Sqrt(), "");
        row("`abs()`", new Abs(), "");
        row("`reciprocal()`", new Reciprocal(), "");
        row("`square()`", new Square(), "");
        row("`clamp(min, max)`", new Clamp(-1, 1), "");
        row("`relu()`", new ReLUFunction(), "");
        row("`sigmoid()`", new SigmoidFunction(), "");
        row("`tanh()`", new TanhFunction(), "");
        row("`requ()`", new ReQUFunction(), "");
        row("`sum()`", new Sum(), "");
        row("`mean()`", new Mean(), "");
        row("`sum(dim, keepdim)`", new SumDim(0, false, false), "");
        row("`mean(dim, keepdim)`", new SumDim(0, false, true), "");
        row("`max(dim, keepdim)`", new MaxDim(0, false, false), "");
        row("`min(dim, keepdim)`", new MaxDim(0, false, true), "");
        row("`max()`", new MaxAll(false), "");
        row("`min()`", new MaxAll(true), "");
        row("`softmax(dim)`", new Softmax(-1), "");
        row("`logSoftmax(dim)`, `logSoftmax()`", new LogSoftmax(), "");
        row("`matmul(Tensor)` of rank-2 tensors", new MatMul(false, false), "");
        row("`matmul(Tensor, true, true)`", new MatMul(true, true), "");
        row("`matmul(Tensor)` of rank ≥ 3 (rank 1: a row or column)", new BatchedMatMul(), "");
        row("`reshape(int...)`, `flatten`, `unsqueeze`, `squeeze`", Reshape.to(-1), "yes");
        row("`transpose(d0, d1)`, `permute(int...)`", Permute.of(0), "yes");
        row("`expand(int...)`", new Expand(-1), "yes");
        row("`Tensor.cat(list, dim)`", Cat.cat(0), "yes");
        row("`Tensor.stack(list, dim)`", Cat.stack(0), "yes");
        row("`select(dim, index)`", Narrow.select(0, 0), "yes");
        row("`narrow(dim, start, length)`", Narrow.narrow(0, 0, 1), "yes");
        row("`indexSelect(dim, int[])`", new IndexSelect(0, new int[0]), "yes");
        row("`Losses.crossEntropy(logits, labels)`", new CrossEntropy(new int[0]), "");
        row("`Losses.mse(prediction, target)`", new MeanSquaredError(), "");
        return TABLE.toString();
    }

    @Test
    void theTableInTheDocsIsTheOpsFormulas() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(
                begin >= 0 && end > begin,
                DOC + " must hold the ops table between '" + BEGIN.trim() + "' and '" + END.trim() + "'");
        String expected = doc.substring(0, begin + BEGIN.length()) + table() + doc.substring(end);
        if (Boolean.getBoolean("gradlab.writeDocs")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
        }
        assertEquals(
                expected,
                doc,
                "docs/core.md's ops table is out of date: rerun this test with"
                        + " -Dgradlab.writeDocs=true to regenerate it");
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.optim.Genome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --model cnn}: every method trains the reference convnet, and the other commands take it. */
class ConvnetCommandsTest {

    private static final ModelSpec CNN = ModelSpec.of(Convnets.reference(0));

    @TempDir
    Path dir;

    private static Run train(Path out, String method, String... more) {
        return train(out, method, 1, more);
    }

    private static Run train(Path out, String method, int epochs, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--model",
                "cnn",
                "--method",
                method,
                "--epochs",
                Integer.toString(epochs),
                "--out",
                out.toString(),
                "--no-progress"));
        if (method.equals("ga")) {
            args.addAll(List.of("--population", "6", "--parents", "2", "--elites", "1"));
        } else if (!method.equals("backprop")) {
            args.addAll(List.of("--population", "4"));
        }
        args.addAll(List.of(more));
        Run run = Run.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"backprop", "es", "fd", "ga"})
    void everyMethodTrainsTheConvnetAndEvaluateReadsItsModelFile(String method) throws IOException {
        Path out = dir.resolve(method);
        Run run = train(out, method);
        assertTrue(run.out().startsWith("gradlab train: reference convnet (18378 parameters), "), run.out());
        Path weights = out.resolve(ModelFile.FILE_NAME);
        assertEquals(CNN, ModelFile.load(weights).spec());
        Run evaluate = Run.of("evaluate", "--weights", weights.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertEquals(run.lastLine(), evaluate.lastLine());
        if (method.equals("ga")) {
            Path genome = out.resolve(Genome.FILE_NAME);
            assertEquals(CNN, Genome.read(genome).spec());
            Run rebuilt = Run.of("evaluate", "--genome", genome.toString());
            assertEquals(0, rebuilt.exitCode(), rebuilt.err());
            assertEquals(run.lastLine(), rebuilt.lastLine());
        }
    }

    @Test
    void aResumedConvnetRunWritesTheSameModelFileAsAnUninterruptedOne() throws IOException {
        Path straight = dir.resolve("straight");
        train(straight, "backprop", 2, "--batch", "250");
        Path stopped = dir.resolve("stopped");
        train(stopped, "backprop", 1, "--batch", "250");
        Run resumed = Run.of("train", "--resume", stopped.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve(ModelFile.FILE_NAME)),
                Files.readAllBytes(stopped.resolve(ModelFile.FILE_NAME)));
    }

    @Test
    void graphAndCompareTakeTheConvnet() throws IOException {
        Run graph = Run.of(
                "graph",
                "--model",
                "cnn",
                "--batch",
                "2",
                "--out",
                dir.resolve("graph").toString());
        assertEquals(0, graph.exitCode(), graph.err());
        String text = Files.readString(dir.resolve("graph").resolve("tape.dot"));
        assertTrue(text.contains("1.weight") && text.contains("8.bias"), text);

        Path out = dir.resolve("compare");
        Run compare =
                Run.of("compare", "--model", "cnn", "--methods", "backprop", "--epochs", "1", "--out", out.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertEquals(
                CNN,
                ModelFile.load(out.resolve("backprop").resolve(ModelFile.FILE_NAME))
                        .spec());
    }

    @Test
    void aModelThatDoesNotFitTheOptionIsAUsageError() {
        Run unknown =
                Run.of("train", "--model", "rnn", "--out", dir.resolve("x").toString());
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertTrue(
                unknown.err().contains("Invalid value for option '--model': expected one of mlp, cnn, got 'rnn'"),
                unknown.err());
        Run hidden = Run.of(
                "train",
                "--model",
                "cnn",
                "--hidden",
                "16",
                "--out",
                dir.resolve("z").toString());
        assertEquals(2, hidden.exitCode(), hidden.err());
        assertTrue(hidden.err().contains("option '--hidden' does not apply to --model cnn"), hidden.err());
        Run gradients =
                Run.of("gradients", "--model", "cnn", "--out", dir.resolve("y").toString());
        assertEquals(2, gradients.exitCode(), gradients.err());
        assertTrue(
                gradients.err().contains("Invalid value for option '--model': this command takes mlp only"),
                gradients.err());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.model.Activation;
import dev.gradlab.core.model.Architecture;
import dev.gradlab.core.model.ModelFile;
import dev.gradlab.core.nn.Convnets;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import dev.gradlab.data.FashionMnist;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a {@code model.safetensors} written by {@code gradlab train} into a PyTorch
 * {@code nn.Sequential} with {@code cli/scripts/torch_evaluate.py} (json and numpy parse the file,
 * {@code load_state_dict} takes it unchanged) and checks that PyTorch classifies the test subset as
 * {@code gradlab evaluate} does. Skipped, with the reason, where {@code /usr/bin/python3} has no
 * torch (Debian's python3-torch; {@code .ci/run} installs it).
 */
class PyTorchLoadTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("scripts", "torch_evaluate.py");

    @TempDir
    Path dir;

    @Test
    void pyTorchLoadsTheModelFileAndGetsTheSameTestAccuracy() throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).code == 0,
                "/usr/bin/python3 with torch and numpy is not installed (apt-get install python3-torch python3-numpy)");
        Path out = dir.resolve("run");
        Run train = Run.of(
                "train",
                "--epochs",
                "2",
                "--hidden",
                "16,12",
                "--bias",
                "--activation",
                "tanh",
                "--out",
                out.toString(),
                "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        Path model = out.resolve("model.safetensors");
        Run evaluate = Run.of("evaluate", "--weights", model.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());

        Path images = resource("t10k-images-idx3-ubyte.gz");
        Path labels = resource("t10k-labels-idx1-ubyte.gz");
        Result torch = run(
                List.of(PYTHON.toString(), SCRIPT.toString(), model.toString(), images.toString(), labels.toString()));
        assertEquals(0, torch.code, torch.output);
        String[] f = torch.output.strip().split(" ");
        assertTrue(f.length == 4 && f[0].equals("correct") && f[3].equals("1000"), torch.output);
        String accuracy = String.format(Locale.ROOT, "test accuracy %.2f%%", 100.0 * Integer.parseInt(f[1]) / 1000);
        assertEquals(evaluate.lastLine(), accuracy);
    }

    /** Non-ASCII metadata: the header is padded by its UTF-8 bytes, so PyTorch still finds the data aligned. */
    @Test
    void pyTorchLoadsAModelFileWithNonAsciiMetadata() throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).code == 0,
                "/usr/bin/python3 with torch and numpy is not installed (apt-get install python3-torch python3-numpy)");
        Architecture a = Architecture.of(784, new int[] {8}, 10, Activation.RELU, true);
        Path model = dir.resolve("model.safetensors");
        ModelFile.save(model, a, a.build(3), Map.of("note", "café, 日本語, Ωμέγα"));
        Result torch = run(List.of(
                PYTHON.toString(),
                SCRIPT.toString(),
                model.toString(),
                resource("t10k-images-idx3-ubyte.gz").toString(),
                resource("t10k-labels-idx1-ubyte.gz").toString()));
        assertEquals(0, torch.code, torch.output);
        assertTrue(torch.output.strip().matches("correct \\d+ of 1000"), torch.output);
    }

    /**
     * The reference convnet's file loads with {@code load_state_dict(strict=True)} into PyTorch's own
     * {@code nn.Sequential} of the same layers, written out in {@code torch_convnet_logits.py}, and
     * PyTorch (float64) computes the logits gradlab computes.
     */
    @Test
    void pyTorchsConvnetLoadsTheConvnetsFileAndGivesTheSameLogits() throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).code == 0,
                "/usr/bin/python3 with torch and numpy is not installed (apt-get install python3-torch python3-numpy)");
        Sequential net = Convnets.reference(3);
        Path model = dir.resolve("model.safetensors");
        ModelFile.save(model, net, Map.of());
        int n = 20;
        Path images = resource("t10k-images-idx3-ubyte.gz");
        Result torch = run(List.of(
                PYTHON.toString(),
                Path.of("scripts", "torch_convnet_logits.py").toString(),
                model.toString(),
                images.toString(),
                Integer.toString(n)));
        assertEquals(0, torch.code, torch.output);
        Dataset test = FashionMnist.subsetTest();
        float[] logits = net.eval()
                .forward(Tensor.of(Arrays.copyOf(test.images(), n * 784), n, 784))
                .data();
        String[] lines = torch.output.strip().split("\\R");
        assertEquals(n, lines.length, torch.output);
        for (int i = 0; i < n; i++) {
            String[] values = lines[i].split(" ");
            assertEquals(10, values.length, lines[i]);
            for (int c = 0; c < 10; c++) {
                double expected = Double.parseDouble(values[c]);
                assertEquals(
                        expected,
                        logits[i * 10 + c],
                        1e-4 * Math.max(1, Math.abs(expected)),
                        "image " + i + " class " + c);
            }
        }
    }

    /** A convnet trained by gradlab train: PyTorch rebuilds it from the file's spec and classifies as gradlab does. */
    @Test
    void pyTorchRebuildsATrainedConvnetFromItsSpecAndGetsTheSameTestAccuracy()
            throws IOException, InterruptedException {
        assumeTrue(
                Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).code == 0,
                "/usr/bin/python3 with torch and numpy is not installed (apt-get install python3-torch python3-numpy)");
        Path out = dir.resolve("run");
        Run train = Run.of("train", "--model", "cnn", "--epochs", "1", "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        Path model = out.resolve("model.safetensors");
        Result torch = run(List.of(
                PYTHON.toString(),
                SCRIPT.toString(),
                model.toString(),
                resource("t10k-images-idx3-ubyte.gz").toString(),
                resource("t10k-labels-idx1-ubyte.gz").toString()));
        assertEquals(0, torch.code, torch.output);
        String[] f = torch.output.strip().split(" ");
        assertEquals(
                train.lastLine(),
                String.format(Locale.ROOT, "test accuracy %.2f%%", 100.0 * Integer.parseInt(f[1]) / 1000));
    }

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = FashionMnist.class.getResourceAsStream("fashion-mnist-subset/" + name)) {
            assertTrue(in != null, "missing resource " + name);
            Files.copy(in, file);
        }
        return file;
    }

    private record Result(int code, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}

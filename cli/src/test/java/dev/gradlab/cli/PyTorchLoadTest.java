package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradlab.data.FashionMnist;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        assumeTrue(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy")).code == 0,
                "/usr/bin/python3 with torch and numpy is not installed (apt-get install python3-torch python3-numpy)");
        Path out = dir.resolve("run");
        Run train = Run.of("train", "--epochs", "2", "--hidden", "16,12", "--bias", "--activation", "tanh",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        Path model = out.resolve("model.safetensors");
        Run evaluate = Run.of("evaluate", "--weights", model.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());

        Path images = resource("t10k-images-idx3-ubyte.gz");
        Path labels = resource("t10k-labels-idx1-ubyte.gz");
        Result torch = run(List.of(PYTHON.toString(), SCRIPT.toString(), model.toString(), images.toString(),
                labels.toString()));
        assertEquals(0, torch.code, torch.output);
        String[] f = torch.output.strip().split(" ");
        assertTrue(f.length == 4 && f[0].equals("correct") && f[3].equals("1000"), torch.output);
        String accuracy = String.format(Locale.ROOT, "test accuracy %.2f%%", 100.0 * Integer.parseInt(f[1]) / 1000);
        assertEquals(evaluate.lastLine(), accuracy);
    }

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = FashionMnist.class.getResourceAsStream("fashion-mnist-subset/" + name)) {
            assertTrue(in != null, "missing resource " + name);
            Files.copy(in, file);
        }
        return file;
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}

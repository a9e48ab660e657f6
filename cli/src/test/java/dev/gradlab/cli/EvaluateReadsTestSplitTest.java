package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.data.FashionMnist;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} reads the test files alone: it never trains, so the training files are not even parsed. */
class EvaluateReadsTestSplitTest {

    @TempDir
    Path dir;

    @Test
    void evaluateNeverReadsTheTrainingFiles() throws IOException {
        Path out = dir.resolve("run");
        Run train = Run.of("train", "--epochs", "1", "--hidden", "8", "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String name : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = FashionMnist.class.getResourceAsStream("fashion-mnist-subset/" + name)) {
                Files.copy(in, data.resolve(name));
            }
        }
        // Training files that could not be read: evaluate must not try.
        Files.writeString(data.resolve("train-images-idx3-ubyte"), "not an IDX file");
        Files.writeString(data.resolve("train-labels-idx1-ubyte"), "not an IDX file");
        Run evaluate =
                Run.of("evaluate", "--weights", out.resolve("model.safetensors").toString(), "--data", data.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertEquals(train.lastLine(), evaluate.lastLine(), "the same 1000 test images");
        assertTrue(evaluate.out().contains("test images 1000"), evaluate.out());
    }
}

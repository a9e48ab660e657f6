package dev.gradlab.bench.data;

import dev.gradlab.data.DataSplit;
import dev.gradlab.data.FashionMnist;
import dev.gradlab.data.IdxArray;
import dev.gradlab.data.IdxReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading Fashion-MNIST from its gzip files: the full set (60 000 + 10 000 images, decompressed,
 * validated, SHA-256 checked, scaled to floats), the training images alone through the IDX reader,
 * and the embedded 1000/1000 subset. {@code -p dir=...} points at another copy of the files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LoadFashionMnistBenchmark {

    @Param("/usr/share/datasets/fashion-mnist")
    public String dir;

    private Path path;

    @Setup
    public void setUp() {
        path = Path.of(dir);
    }

    @Benchmark
    public DataSplit fullSet() {
        return FashionMnist.load(path);
    }

    @Benchmark
    public IdxArray trainImagesIdxOnly() {
        return IdxReader.read(path.resolve("train-images-idx3-ubyte.gz"));
    }

    @Benchmark
    public DataSplit embeddedSubset() {
        return FashionMnist.subset();
    }
}

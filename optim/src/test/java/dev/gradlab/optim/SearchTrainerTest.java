package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import dev.gradlab.optim.search.CenterOptimizer;
import dev.gradlab.optim.search.ModuleSearch;
import dev.gradlab.optim.search.Pgpe;
import dev.gradlab.optim.search.SearchState;
import dev.gradlab.optim.search.SearchStateFile;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.optim.search.Snes;
import dev.gradlab.simd.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchTrainerTest {

    @TempDir
    Path dir;

    /** 6 features, 3 classes: the largest of the first three features. */
    private static Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 6];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) r.nextGaussian();
            }
            for (int c = 1; c < 3; c++) {
                if (x[i * 6 + c] > x[i * 6 + labels[i]]) {
                    labels[i] = c;
                }
            }
        }
        return new Dataset(x, labels, 6, 3);
    }

    private static final List<Function<float[], SearchStrategy>> STRATEGIES = List.of(
            x -> Pgpe.builder(x)
                    .sigma(0.1f)
                    .population(16)
                    .optimizer(CenterOptimizer.adam(0.05f))
                    .seed(3)
                    .build(),
            x -> Snes.builder(x).sigma(0.1f).population(16).seed(3).build());

    /** Trains {@code epochs} epochs, from {@code resume} when given, checkpointing to {@code file}; the metrics. */
    private static List<EpochMetrics> train(
            Function<float[], SearchStrategy> make, Sequential model, int epochs, Path file, boolean resume)
            throws IOException {
        List<EpochMetrics> rows = new ArrayList<>();
        SearchTrainer.Builder b = SearchTrainer.builder()
                .model(model)
                .strategy(make.apply(ModuleSearch.parameters(model)))
                .train(data(200, 1))
                .test(data(200, 2))
                .batchSize(50)
                .seed(4)
                .epochs(epochs)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        rows.add(m);
                    }
                });
        if (file != null) {
            b.checkpoint(file, Map.of("run", "test"));
        }
        if (resume) {
            b.resumeFrom(Checkpoint.read(file), SearchStateFile.read(file.resolveSibling(SearchStateFile.FILE_NAME)));
        }
        b.build().run();
        return rows;
    }

    private static Sequential model() {
        return new Sequential(
                new dev.gradlab.core.nn.Linear(6, 8, true, 1),
                new dev.gradlab.core.nn.Tanh(),
                new dev.gradlab.core.nn.Linear(8, 3, true, 2));
    }

    @Test
    void pgpeAndSnesTrainTheModelEpochByEpoch() throws IOException {
        for (var make : STRATEGIES) {
            Sequential model = model();
            List<EpochMetrics> rows = train(make, model, 15, null, false);
            assertEquals(15, rows.size());
            assertEquals(15 * 4 * 17L, rows.get(14).lossEvaluations());
            assertTrue(rows.get(14).trainLoss() < 0.6f * rows.get(0).trainLoss(), rows.toString());
            assertTrue(rows.get(14).testAccuracy() > 0.8f, rows.toString());
        }
    }

    @Test
    void aResumedRunContinuesBitForBitOnAnyThreadCount() throws IOException {
        for (var make : STRATEGIES) {
            Sequential straight = model();
            List<EpochMetrics> all;
            try (var t = Parallel.withThreads(1)) {
                all = train(make, straight, 4, null, false);
            }
            Path file = dir.resolve(make.apply(new float[1]).name()).resolve(Checkpoint.FILE_NAME);
            java.nio.file.Files.createDirectories(file.getParent());
            Sequential resumed = model();
            List<EpochMetrics> tail;
            try (var t = Parallel.withThreads(2)) {
                train(make, resumed, 2, file, false);
                tail = train(make, model(), 4, file, true);
                Sequential last = model();
                // The run's model: the checkpoint's center, which the resumed trainer put into its model.
                Checkpoint c = Checkpoint.read(file);
                assertEquals(4, c.epoch());
                SearchState state = SearchStateFile.read(file.resolveSibling(SearchStateFile.FILE_NAME));
                SearchStrategy s = make.apply(ModuleSearch.parameters(last));
                s.restore(state);
                assertArrayEquals(Parameters.flatten(straight.parameters()), s.center());
                assertEquals(16L, s.generation());
            }
            assertEquals(2, tail.size());
            for (int e = 0; e < 2; e++) {
                assertEquals(all.get(e + 2).trainLoss(), tail.get(e).trainLoss());
                assertEquals(all.get(e + 2).testLoss(), tail.get(e).testLoss());
                assertEquals(all.get(e + 2).lossEvaluations(), tail.get(e).lossEvaluations());
            }
        }
    }

    @Test
    void aStateSavedWithAnotherCheckpointIsRefused() throws IOException {
        var make = STRATEGIES.get(1);
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        train(make, model(), 2, file, false);
        Checkpoint two = Checkpoint.read(file);
        train(make, model(), 3, file, false);
        SearchState three = SearchStateFile.read(file.resolveSibling(SearchStateFile.FILE_NAME));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> SearchTrainer.builder()
                        .model(model())
                        .strategy(make.apply(ModuleSearch.parameters(model())))
                        .train(data(200, 1))
                        .batchSize(50)
                        .epochs(4)
                        .resumeFrom(two, three)
                        .build()
                        .run());
        assertTrue(
                e.getMessage().startsWith("the search state has 12 generations told, its checkpoint 8 steps"),
                e.getMessage());
    }
}

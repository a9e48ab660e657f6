package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Parameters;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ES's σ on the learning-rate schedules: its values per epoch, its effect, and its checkpoint. */
class SigmaScheduleTest {

    @TempDir
    Path dir;

    private static Dataset data() {
        return new Dataset(Fixtures.inputs(60, 100, 1).data().clone(), Fixtures.labels(60, 10, 2), 100, 10);
    }

    private static EvolutionStrategies es() {
        return EvolutionStrategies.builder()
                .population(8)
                .sigma(0.05f)
                .antithetic(true)
                .rankShaping(true)
                .seed(4)
                .build();
    }

    /** A 3-batch-per-epoch ES run; the σ of every batch goes to {@code sigmas}; returns the final weights. */
    private static float[] train(
            EvolutionStrategies es, LrSchedule schedule, int epochs, Checkpoint resume, Path file, List<Float> sigmas) {
        Sequential model = Fixtures.wide();
        Trainer.Builder b = Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(data())
                .epochs(epochs)
                .batchSize(20)
                .seed(5)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        sigmas.add(es.sigma());
                    }
                });
        if (schedule != null) {
            b.sigmaSchedule(schedule);
        }
        if (file != null) {
            b.checkpoint(file, Map.of());
        }
        if (resume != null) {
            b.resumeFrom(resume);
        }
        b.build().run();
        return Parameters.flatten(model.parameters());
    }

    @Test
    void theTrainerSetsSigmaFromTheScheduleAtTheStartOfEveryEpoch() {
        List<Float> step = new ArrayList<>();
        train(es(), LrSchedule.step(1, 0.5), 3, null, null, step);
        assertEquals(List.of(0.05f, 0.05f, 0.05f, 0.025f, 0.025f, 0.025f, 0.0125f, 0.0125f, 0.0125f), step);

        // cosine from 0.05 to 0.01 over 4 epochs: 0.01 + 0.04 (1 + cos(π e / 4)) / 2.
        List<Float> cosine = new ArrayList<>();
        train(es(), LrSchedule.parse("cosine:4:0.01", 4), 4, null, null, cosine);
        for (int epoch = 0; epoch < 4; epoch++) {
            float expected = (float) (0.01 + ((double) 0.05f - 0.01) * (1 + Math.cos(Math.PI * epoch / 4)) / 2);
            for (int batch = 0; batch < 3; batch++) {
                assertEquals(expected, cosine.get(3 * epoch + batch), "epoch " + epoch);
            }
        }
        assertEquals(0.05f, cosine.get(0));
        assertTrue(cosine.get(11) > 0.01f && cosine.get(11) < 0.02f, cosine.toString());
    }

    @Test
    void aScheduledSigmaChangesTheRunAndNoScheduleLeavesSigmaAlone() {
        List<Float> unscheduled = new ArrayList<>();
        float[] plain = train(es(), null, 3, null, null, unscheduled);
        assertTrue(unscheduled.stream().allMatch(s -> s == 0.05f), unscheduled.toString());
        float[] scheduled = train(es(), LrSchedule.step(1, 0.5), 3, null, null, new ArrayList<>());
        assertFalse(java.util.Arrays.equals(plain, scheduled), "the schedule must change the estimates");
        // A constant schedule is the unscheduled run, bit for bit.
        assertArrayEquals(plain, train(es(), LrSchedule.constant(), 3, null, null, new ArrayList<>()));
    }

    @Test
    void resumingAScheduledRunEndsBitForBitWhereTheStraightRunEnds() throws IOException {
        LrSchedule schedule = LrSchedule.parse("cosine:4:0.01", 4);
        List<Float> straightSigmas = new ArrayList<>();
        float[] straight = train(es(), schedule, 4, null, null, straightSigmas);
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        List<Float> resumedSigmas = new ArrayList<>();
        train(es(), schedule, 2, null, file, resumedSigmas);
        Checkpoint c = Checkpoint.read(file);
        assertEquals(Map.of("sigma", (double) straightSigmas.get(5), "initial_sigma", (double) 0.05f), c.estimator());
        float[] resumed = train(es(), schedule, 4, c, file, resumedSigmas);
        assertEquals(straightSigmas, resumedSigmas);
        assertArrayEquals(straight, resumed);
    }

    @Test
    void aCheckpointRestoresSigmaAndOneWithoutEstimatorEntriesLeavesItAlone() throws IOException {
        Sequential model = Fixtures.wide();
        Adam adam = new Adam(model.parameters(), 0.01f);
        EvolutionStrategies es = es();
        es.setSigma(0.02f);
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint.of(model, adam, es, 1, 3, 3, 0, 0, Map.of()).write(file);
        EvolutionStrategies fresh = es();
        Checkpoint.read(file).restore(Fixtures.wide(), new Adam(Fixtures.wide().parameters(), 0.01f), fresh);
        assertEquals(0.02f, fresh.sigma());
        assertEquals(0.05f, fresh.initialSigma());

        // As a checkpoint written before they held the estimator's settings: no estimator entries.
        Path old = dir.resolve("old.safetensors");
        List<float[]> weights =
                model.parameters().stream().map(p -> p.data().clone()).toList();
        new Checkpoint(weights, adam.stateDict(), 1, 3, 3, 0, 0, Map.of()).write(old);
        assertFalse(new String(Files.readAllBytes(old), StandardCharsets.ISO_8859_1).contains("estimator."));
        Checkpoint read = Checkpoint.read(old);
        assertEquals(Map.of(), read.estimator());
        EvolutionStrategies untouched = es();
        untouched.setSigma(0.03f);
        read.restore(Fixtures.wide(), new Adam(Fixtures.wide().parameters(), 0.01f), untouched);
        assertEquals(0.03f, untouched.sigma());
        assertEquals(0.05f, untouched.initialSigma());
    }

    /** The example of docs/optim.md. */
    @Test
    void theDocumentedExampleRuns() {
        Sequential model = Fixtures.wide();
        Dataset train = new Dataset(Fixtures.inputs(100, 100, 1).data().clone(), Fixtures.labels(100, 10, 2), 100, 10);
        var es = EvolutionStrategies.builder()
                .population(100)
                .sigma(0.05f)
                .antithetic(true)
                .rankShaping(true)
                .seed(1)
                .build();
        Trainer.builder()
                .model(model)
                .estimator(es)
                .optimizer(new Adam(model.parameters(), 0.01f))
                .train(train)
                .epochs(50)
                .batchSize(100)
                .sigmaSchedule(LrSchedule.cosine(50, 0.01)) // σ from 0.05 down to 0.01 over the run
                .build()
                .run();
        float last = es.sigma(); // 0.01 + 0.04·(1 + cos(49π/50))/2
        assertEquals((float) (0.01 + ((double) 0.05f - 0.01) * (1 + Math.cos(49 * Math.PI / 50)) / 2), last);
        assertEquals(0.05f, es.initialSigma());
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingThem() throws IOException {
        Sequential model = Fixtures.wide();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder()
                        .model(model)
                        .optimizer(new Adam(model.parameters(), 0.01f))
                        .train(data())
                        .batchSize(20)
                        .sigmaSchedule(LrSchedule.step(1, 0.5))
                        .build());
        assertEquals(
                "sigmaSchedule must go with an estimator that has a schedulable sigma, such as"
                        + " EvolutionStrategies; backprop has none",
                e.getMessage());
        assertEquals("sigmaSchedule", ((dev.gradlab.core.InvalidSettingException) e).setting());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder()
                        .model(model)
                        .estimator(es())
                        .optimizer(new Adam(model.parameters(), 0.01f))
                        .train(data())
                        .batchSize(20)
                        .epochs(3)
                        .sigmaSchedule(LrSchedule.step(2, 0))
                        .build());
        assertEquals(
                "sigmaSchedule must keep sigma finite and > 0, got 0.0 at epoch 3 from sigma 0.05", e.getMessage());

        // An ES checkpoint does not resume a backprop run.
        Path file = dir.resolve(Checkpoint.FILE_NAME);
        Checkpoint.of(model, new Adam(model.parameters(), 0.01f), es(), 1, 3, 3, 0, 0, Map.of())
                .write(file);
        Checkpoint c = Checkpoint.read(file);
        // Read from a file, the file is named: it does not fit the run it is restored into.
        var m = assertThrows(
                dev.gradlab.core.model.ModelFormatException.class,
                () -> c.restore(Fixtures.wide(), new Adam(Fixtures.wide().parameters(), 0.01f), new Backprop()));
        assertEquals(
                file + ": at byte 8: the checkpoint does not fit the model, optimizer and estimator it is restored"
                        + " into: estimator must have the checkpoint's settings [initial_sigma, sigma], got backprop with []",
                m.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> es().loadSettings(Map.of("sigma", 0.1)));
        assertTrue(e.getMessage().startsWith("settings must have the keys [sigma, initial_sigma]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> es().setSigma(0f));
        assertEquals("sigma must be finite and > 0, got 0.0", e.getMessage());
    }

    @Test
    void aUsersEstimatorSchedulesItsOwnSettingThroughTheSameHook() {
        ScheduledSetting scale = new ScheduledSetting("scale", 1f);
        GradientEstimator scaled = new GradientEstimator() {
            private final Backprop backprop = new Backprop();

            @Override
            public Estimate estimate(
                    dev.gradlab.core.nn.Module model,
                    dev.gradlab.core.Objective objective,
                    dev.gradlab.core.Batch batch,
                    long step) {
                return backprop.estimate(model, objective, batch, step);
            }

            @Override
            public String name() {
                return "scaled backprop";
            }

            @Override
            public List<ScheduledSetting> schedulable() {
                return List.of(scale);
            }
        };
        Sequential model = Fixtures.wide();
        List<Float> seen = new ArrayList<>();
        Trainer.builder()
                .model(model)
                .estimator(scaled)
                .optimizer(new Sgd(model.parameters(), 0.01f, 0f))
                .train(data())
                .epochs(3)
                .batchSize(60)
                .schedule("scale", LrSchedule.step(1, 0.5))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        seen.add(scale.value());
                    }
                })
                .build()
                .run();
        assertEquals(List.of(1f, 0.5f, 0.25f), seen);
        assertEquals(Map.of("scale", 0.25, "initial_scale", 1.0), scaled.settings());
        scaled.loadSettings(Map.of("scale", 0.125, "initial_scale", 2.0));
        assertEquals(0.125f, scale.value());
        assertEquals(2f, scale.initial());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Trainer.builder()
                        .model(model)
                        .estimator(scaled)
                        .optimizer(new Sgd(model.parameters(), 0.01f, 0f))
                        .train(data())
                        .batchSize(60)
                        .sigmaSchedule(LrSchedule.constant())
                        .build());
        assertEquals(
                "sigmaSchedule must go with an estimator that has a schedulable sigma, such as"
                        + " EvolutionStrategies; scaled backprop has [scale=0.125]",
                e.getMessage());
    }
}

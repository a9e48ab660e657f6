package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares each schedule with the learning rates torch.optim.lr_scheduler gave for 100 epochs,
 * written by {@code optim/scripts/torch_lr_schedules.py}: equal to within one float ulp.
 */
class LrScheduleTest {

    @Test
    void everyScheduleGivesPyTorchsRatesFor100Epochs() {
        List<String[]> cases = read();
        assertEquals(8, cases.size(), "cases in the fixture");
        for (String[] c : cases) {
            LrSchedule schedule = LrSchedule.parse(c[1], 100);
            Sgd sgd = new Sgd(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1f, 0f);
            for (int epoch = 0; epoch < 100; epoch++) {
                double expected = Double.parseDouble(c[2 + epoch]);
                schedule.apply(sgd, epoch);
                double actual = sgd.paramGroups().get(0).lr();
                assertTrue(
                        Math.abs(actual - expected) <= Math.ulp((float) expected),
                        c[0] + " epoch " + epoch + ": expected " + expected + ", got " + actual);
            }
        }
    }

    @Test
    void applyScalesEachGroupsInitialRate() {
        Sgd sgd = new Sgd(List.of(
                new Sgd.Group(List.of(Tensor.zeros(1)), 0.1, 0, 0, 0, false),
                new Sgd.Group(List.of(Tensor.zeros(2)), 0.01, 0, 0, 0, false)));
        LrSchedule.step(2, 0.5).apply(sgd, 5);
        assertEquals(0.1 * 0.25, sgd.paramGroups().get(0).lr());
        assertEquals(0.01 * 0.25, sgd.paramGroups().get(1).lr());
        LrSchedule.constant().apply(sgd, 5);
        assertEquals(0.1, sgd.paramGroups().get(0).lr());
    }

    @Test
    void theTrainerSetsTheRateAtTheStartOfEveryEpoch() {
        var model = Fixtures.tiny();
        Sgd sgd = new Sgd(model.parameters(), 0.1f, 0f);
        List<Double> rates = new ArrayList<>();
        var data =
                new dev.gradlab.data.Dataset(Fixtures.inputs(20, 6, 1).data().clone(), Fixtures.labels(20, 3, 2), 6, 3);
        Trainer.builder()
                .model(model)
                .optimizer(sgd)
                .train(data)
                .epochs(3)
                .batchSize(10)
                .lrSchedule(LrSchedule.step(1, 0.5))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(TrainingStep step) {
                        rates.add(sgd.paramGroups().get(0).lr());
                    }
                })
                .build()
                .run();
        assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.025, 0.025), rates);
        assertEquals(0.1, sgd.paramGroups().get(0).initialLr());
    }

    /** The example of docs/optim.md. */
    @Test
    void theDocumentedExampleRuns() {
        var model = Fixtures.tiny();
        var train = new dev.gradlab.data.Dataset(
                Fixtures.inputs(100, 6, 1).data().clone(), Fixtures.labels(100, 3, 2), 6, 3);
        var adam = new Adam(model.parameters(), 0.01f);
        Trainer.builder()
                .model(model)
                .optimizer(adam)
                .train(train)
                .epochs(30)
                .lrSchedule(LrSchedule.warmup(5).then(LrSchedule.cosine(30, 0)))
                .build()
                .run();
        assertEquals(
                0.01 * (1 + Math.cos(Math.PI * 29 / 30)) / 2,
                adam.paramGroups().get(0).lr(),
                1e-15);
        assertEquals(
                LrSchedule.parse("warmup:5,cosine", 30).lr(0.01, 29),
                adam.paramGroups().get(0).lr());
    }

    @Test
    void aMalformedScheduleNamesWhatWasExpected() {
        for (String bad : new String[] {"step:10", "cosine:0", "linear:0:1:5", "exp:0.9", "warmup:2:3", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse(bad, 10), bad);
            assertTrue(e.getMessage().startsWith("spec must be none, step:STEP:GAMMA"), e.getMessage());
            assertTrue(e.getMessage().contains("got '" + bad + "'"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("step:10", 10));
        assertTrue(e.getMessage().endsWith("got 'step:10': expected 2 values after the name, got 1"), e.getMessage());
    }

    private static List<String[]> read() {
        var in = LrScheduleTest.class.getResourceAsStream("lr_schedules.txt");
        if (in == null) {
            throw new IllegalStateException("missing test resource lr_schedules.txt");
        }
        List<String[]> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    cases.add(line.trim().split(" "));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}

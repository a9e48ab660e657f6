package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A user's setting out of range is an InvalidSettingException naming the builder method or parameter. */
class InvalidSettingTest {

    private static final List<Tensor> PARAMS = List.of(Tensor.zeros(2, 3));

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("lr", (Executable) () -> new Sgd(PARAMS, -0.1f, 0.9f)),
                Arguments.of("momentum", (Executable) () -> new Sgd(PARAMS, 0.1f, -1f)),
                Arguments.of("nesterov", (Executable) () -> new Sgd(PARAMS, 0.1f, 0f, 0f, 0f, true)),
                Arguments.of("beta1", (Executable) () -> new Adam(PARAMS, 0.01f, 1f, 0.999f, 1e-8f, 0f)),
                Arguments.of("weightDecay", (Executable) () -> new Adam(PARAMS, 0.01f, 0.9f, 0.999f, 1e-8f, -1f)),
                Arguments.of("population", (Executable)
                        () -> EvolutionStrategies.builder().population(0)),
                Arguments.of("sigma", (Executable)
                        () -> EvolutionStrategies.builder().sigma(0f)),
                Arguments.of("directions", (Executable) () -> FiniteDifferences.directional(0, 0.001f, 1)),
                Arguments.of("eps", (Executable) () -> FiniteDifferences.directional(10, -1f, 1)),
                Arguments.of(
                        "parents", (Executable) () -> GeneticAlgorithm.builder().parents(0)),
                Arguments.of(
                        "elites", (Executable) () -> GeneticAlgorithm.builder().elites(-1)),
                Arguments.of("epochs", (Executable) () -> Trainer.builder().epochs(0)),
                Arguments.of("batchSize", (Executable) () -> Trainer.builder().batchSize(0)),
                Arguments.of("maxLoss", (Executable) () -> Trainer.builder().maxLoss(0)),
                Arguments.of("warmup", (Executable) () -> LrSchedule.warmup(0)),
                Arguments.of("spec", (Executable) () -> LrSchedule.parse("step:10", 10)));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aSettingOutOfRangeIsNamed(String setting, Executable call) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, call);
        assertEquals(setting, e.setting(), e.getMessage());
        assertTrue(e.getMessage().startsWith(setting + " ") && e.problem().contains("got"), e.getMessage());
    }
}

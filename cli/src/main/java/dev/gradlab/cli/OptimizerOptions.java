package dev.gradlab.cli;

import dev.gradlab.core.Tensor;
import dev.gradlab.optim.LrSchedule;
import dev.gradlab.optim.Optimizer;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The optimizer of a gradient method (backprop, es, fd) and its learning-rate schedule. */
final class OptimizerOptions {

    @Option(
            names = "--optimizer",
            paramLabel = "NAME",
            description = "Optimizer: sgd or adam (default: sgd for backprop, adam for es and fd).")
    OptimizerChoice optimizer;

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            description = "Learning rate (default: 0.1 for sgd, 0.01 for adam); pgpe: Adam's on its center, snes: its"
                    + " center's rate.")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum, PyTorch's semantics (default: 0.9).")
    Float momentum;

    @Option(
            names = "--lr-schedule",
            paramLabel = "SPEC",
            defaultValue = "none",
            description = "Learning rate per epoch: none, step:EPOCHS:GAMMA (times GAMMA every EPOCHS epochs) or cosine"
                    + " (annealed to 0 over the run), as torch.optim.lr_scheduler (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "Linear learning-rate warm-up: epoch k < N runs at (k+1)/(N+1) of the rate (default: none).")
    Integer warmup;

    /** {@code --optimizer}, or the method's. */
    OptimizerChoice choice(Method method) {
        return optimizer != null ? optimizer : method.optimizer;
    }

    /** The chosen optimizer of {@code params}, at {@code --lr} or the optimizer's own default rate. */
    Optimizer<?> create(Method method, List<Tensor> params) {
        OptimizerChoice choice = choice(method);
        if (momentum != null && choice != OptimizerChoice.SGD) {
            throw Usage.error("option '--momentum' applies to --optimizer sgd, got --optimizer " + choice);
        }
        return choice.create(params, lr != null ? lr : choice.lr, momentum);
    }

    /** {@code --warmup}, then {@code --lr-schedule}, over {@code epochs}; null when the rate stays constant. */
    LrSchedule schedule(int epochs) {
        LrSchedule warm = warmup == null ? null : LrSchedule.warmup(warmup);
        LrSchedule main = spec(lrSchedule).equals("none")
                ? null
                : Usage.as("lrSchedule", () -> LrSchedule.parse(lrSchedule, epochs));
        return warm == null ? main : main == null ? warm : warm.then(main);
    }

    /** The schedule as {@link LrSchedule#parse} reads it, {@code none} when there is none. */
    String describeSchedule() {
        String main = spec(lrSchedule);
        return warmup == null ? main : main.equals("none") ? "warmup:" + warmup : "warmup:" + warmup + "," + main;
    }

    static String spec(String schedule) {
        return schedule.strip().toLowerCase(Locale.ROOT);
    }
}

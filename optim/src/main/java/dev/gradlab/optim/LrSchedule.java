package dev.gradlab.optim;

import dev.gradlab.core.InvalidSettingException;
import java.util.Locale;
import java.util.Objects;

/**
 * A learning rate as a function of the epoch, as {@code torch.optim.lr_scheduler} computes it,
 * in closed form: {@code lr(base, epoch)} is what PyTorch's scheduler gives after {@code epoch}
 * calls of {@code step()} (to float precision; PyTorch updates the rate recursively). Being a
 * function of the epoch alone, a schedule resumes at any epoch. {@link #apply} sets every group's
 * {@link ParamGroup#lr()} from its {@link ParamGroup#initialLr()}; the {@link Trainer} does so at
 * the start of each epoch.
 *
 * <p>The same schedules scale an estimator's {@link ScheduledSetting}s, such as evolution strategies'
 * σ: {@link #apply(ScheduledSetting, int)} sets one to {@code lr(initial, epoch)} (read {@code lr} as
 * "the value"), as the trainer does with {@link Trainer.Builder#schedule}. A step or cosine schedule
 * then narrows the search as training converges; {@code cosine(T, etaMin)} with {@code etaMin > 0}
 * keeps σ from reaching 0, where the estimate's {@code 1/σ} leaves float range.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate of epoch {@code epoch} (0-based) for a group whose base rate is {@code base}. */
    double lr(double base, int epoch);

    /** Sets each group's learning rate to this schedule's for {@code epoch}. */
    default void apply(Optimizer<?> optimizer, int epoch) {
        for (ParamGroup g : optimizer.paramGroups()) {
            g.setLr(lr(g.initialLr(), epoch));
        }
    }

    /** Sets {@code setting} to this schedule's value for {@code epoch}, from its initial value. */
    default void apply(ScheduledSetting setting, int epoch) {
        setting.set((float) lr(setting.initial(), epoch));
    }

    /**
     * This schedule, then {@code next} applied to its rate, as {@code ChainedScheduler([this, next])}
     * for schedules that scale the rate (every one here, cosine with {@code etaMin = 0}).
     */
    default LrSchedule then(LrSchedule next) {
        Objects.requireNonNull(next, "next");
        return (base, epoch) -> next.lr(lr(base, epoch), epoch);
    }

    /** The base rate throughout. */
    static LrSchedule constant() {
        return (base, epoch) -> base;
    }

    /** {@code StepLR}: {@code base · gamma^⌊epoch / stepSize⌋}. */
    static LrSchedule step(int stepSize, double gamma) {
        Checks.positive("stepSize", stepSize);
        Checks.finiteAtLeast("gamma", gamma, 0);
        return (base, epoch) -> base * Math.pow(gamma, epoch / stepSize);
    }

    /** {@code CosineAnnealingLR}: {@code etaMin + (base − etaMin)(1 + cos(π·epoch / tMax)) / 2}. */
    static LrSchedule cosine(int tMax, double etaMin) {
        Checks.positive("tMax", tMax);
        Checks.finiteAtLeast("etaMin", etaMin, 0);
        return (base, epoch) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }

    /** {@code LinearLR}: the factor goes from {@code start} to {@code end} in {@code epochs} epochs, then stays. */
    static LrSchedule linear(double start, double end, int epochs) {
        if (!(start > 0 && start <= 1)) {
            throw new InvalidSettingException("start", "must be in (0, 1], got " + start);
        }
        Checks.finiteAtLeast("end", end, 0);
        Checks.positive("epochs", epochs);
        return (base, epoch) -> base * (start + (end - start) * Math.min(epoch, epochs) / epochs);
    }

    /** Linear warm-up over {@code epochs} epochs: {@code base · (epoch + 1) / (epochs + 1)}, then the base. */
    static LrSchedule warmup(int epochs) {
        Checks.positive("warmup", epochs);
        return linear(1.0 / (epochs + 1), 1, epochs);
    }

    /**
     * Parses a schedule: {@code none}, {@code step:STEP:GAMMA}, {@code cosine} (annealed over
     * {@code totalEpochs}), {@code cosine:T} or {@code cosine:T:ETA_MIN}, {@code warmup:N},
     * {@code linear:START:END:N}, or several of them joined by commas (applied in turn, {@link #then}).
     */
    static LrSchedule parse(String spec, int totalEpochs) {
        Objects.requireNonNull(spec, "spec");
        LrSchedule chain = null;
        for (String part : spec.split(",", -1)) {
            LrSchedule s = parseOne(part.strip().toLowerCase(Locale.ROOT), totalEpochs);
            chain = chain == null ? s : chain.then(s);
        }
        return chain;
    }

    private static LrSchedule parseOne(String part, int totalEpochs) {
        String[] f = part.split(":", -1);
        try {
            return switch (f[0]) {
                case "none" -> arity(f, 1, 1, LrSchedule::constant);
                case "step" -> arity(f, 3, 3, () -> step(Integer.parseInt(f[1]), Double.parseDouble(f[2])));
                case "cosine" ->
                    arity(
                            f,
                            1,
                            3,
                            () -> cosine(
                                    f.length > 1 ? Integer.parseInt(f[1]) : totalEpochs,
                                    f.length > 2 ? Double.parseDouble(f[2]) : 0));
                case "warmup" -> arity(f, 2, 2, () -> warmup(Integer.parseInt(f[1])));
                case "linear" ->
                    arity(
                            f,
                            4,
                            4,
                            () -> linear(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Integer.parseInt(f[3])));
                default -> throw new IllegalArgumentException("unknown schedule '" + f[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            InvalidSettingException refused = new InvalidSettingException(
                    "spec",
                    "must be none, step:STEP:GAMMA,"
                            + " cosine[:T[:ETA_MIN]], warmup:N or linear:START:END:N, joined by commas, got '" + part
                            + "': "
                            + e.getMessage());
            refused.initCause(e);
            throw refused;
        }
    }

    /** The schedule {@code make} gives once {@code f} is known to hold {@code min} to {@code max} fields. */
    private static LrSchedule arity(String[] f, int min, int max, java.util.function.Supplier<LrSchedule> make) {
        if (f.length < min || f.length > max) {
            throw new IllegalArgumentException("expected " + (min == max ? min - 1 : (min - 1) + " to " + (max - 1))
                    + " values after the name, got " + (f.length - 1));
        }
        return make.get();
    }
}

package dev.gradlab.optim.env;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.optim.search.CenterOptimizer;
import dev.gradlab.optim.search.Ga;
import dev.gradlab.optim.search.Generation;
import dev.gradlab.optim.search.OpenAiEs;
import dev.gradlab.optim.search.Pgpe;
import dev.gradlab.optim.search.SearchStrategy;
import dev.gradlab.optim.search.Snes;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A control task with the policy that solves it, and the loop that trains the policy by a search
 * strategy: {@code cartpole} (CartPole-v1, policy 4→64→2 tanh, argmax, searched from PyTorch's
 * initialisation) and {@code swingup} (EvoJAX's swing-up, easy start, policy 5→32→32→1 tanh, tanh of
 * the output, searched from zeros as EvoJAX starts its PGPE).
 *
 * <p>Training: each generation's members are scored on {@code episodes} episodes, the same for every
 * member and new each generation; every 5 generations the center plays 20 validation episodes, and
 * training stops when their mean reaches {@link #target()} or after {@code maxGenerations}.
 */
public final class PolicyTask {

    /** The names {@link #named} takes. */
    public static final List<String> NAMES = List.of("cartpole", "swingup");
    /** The strategies {@link #strategy} makes. */
    public static final List<String> METHODS = List.of("es", "pgpe", "snes", "ga");

    private final String name;
    private final Rollouts rollouts;
    private final double target;
    private final int episodes;
    private final boolean fromZero;

    private PolicyTask(
            String name,
            IntFunction<VectorEnvironment> environments,
            MlpPolicy policy,
            double target,
            int episodes,
            boolean fromZero) {
        this.name = name;
        this.rollouts = new Rollouts(environments, policy);
        this.target = target;
        this.episodes = episodes;
        this.fromZero = fromZero;
    }

    public static PolicyTask named(String task) {
        return switch (task) {
            case "cartpole" -> new PolicyTask(task, CartPole::new, new MlpPolicy(true, 4, 64, 2), 490, 2, false);
            // EvoJAX's policy is 5→64→64→1; at half its width PGPE reaches 900 in fewer generations.
            case "swingup" ->
                new PolicyTask(task, CartPoleSwingUp::new, new MlpPolicy(false, 5, 32, 32, 1), 920, 4, true);
            default -> throw new InvalidSettingException("task", "must be one of " + NAMES + ", got '" + task + "'");
        };
    }

    public String name() {
        return name;
    }

    public Rollouts rollouts() {
        return rollouts;
    }

    /** The validation mean return at which training stops. */
    public double target() {
        return target;
    }

    /**
     * The strategy {@code method} from the task's start (PyTorch-style initialisation, or zeros):
     * {@code es} OpenAI-ES
     * (σ 0.1, Adam lr 0.03), {@code pgpe} EvoJAX's defaults (on the swing-up its benchmark's Adam with
     * lr 0.05), {@code snes} σ 0.1, {@code ga} the simple GA with its defaults (10 parents, 1 elite,
     * σ 0.05); population 64.
     */
    public SearchStrategy strategy(String method, long seed) {
        float[] x0 = fromZero
                ? new float[rollouts.policy().parameterCount()]
                : rollouts.policy().initialParameters(seed);
        return switch (method) {
            case "es" ->
                OpenAiEs.builder(x0)
                        .sigma(0.1f)
                        .population(64)
                        .optimizer(CenterOptimizer.adam(0.03f))
                        .seed(seed)
                        .build();
            // On the swing-up, EvoJAX's benchmark configuration: Adam with lr 0.05 on the center.
            case "pgpe" ->
                Pgpe.builder(x0)
                        .sigma(0.1f)
                        .population(64)
                        .seed(seed)
                        .optimizer(
                                name.equals("swingup")
                                        ? CenterOptimizer.adam(0.05f)
                                        : CenterOptimizer.clipUp(0.15f, 0.15f, 0.9f))
                        .build();
            case "snes" ->
                Snes.builder(x0).sigma(0.1f).population(64).seed(seed).build();
            case "ga" -> Ga.builder(x0).population(64).seed(seed).build();
            default ->
                throw new InvalidSettingException("method", "must be one of " + METHODS + ", got '" + method + "'");
        };
    }

    /** Called after each generation with the members' mean return. */
    @FunctionalInterface
    public interface Listener {
        void generation(long generation, long evaluations, double meanMemberReturn);
    }

    /** Trains {@code strategy}'s center (see the class comment); returns the generations run. */
    public long train(SearchStrategy strategy, long seed, int maxGenerations, Listener listener) {
        for (int gen = 1; gen <= maxGenerations; gen++) {
            Generation g = strategy.ask();
            double[] fitness = g.evaluate(rollouts.negatedReturn(episodes, 1_000_000L * seed + gen));
            double mean = 0;
            for (double f : fitness) {
                mean -= f / fitness.length;
            }
            strategy.tell(g, fitness);
            listener.generation(strategy.generation(), strategy.evaluations(), mean);
            if (gen % 5 == 0 && rollouts.meanReturn(strategy.center(), 20, 2_000_000_000L + gen) >= target) {
                return gen;
            }
        }
        return maxGenerations;
    }

    /** The center's mean return over 100 fresh episodes. */
    public double test(SearchStrategy strategy, long seed) {
        return rollouts.meanReturn(strategy.center(), 100, 987_654_321L + seed);
    }
}

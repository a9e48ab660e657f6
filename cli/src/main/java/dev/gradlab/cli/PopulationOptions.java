package dev.gradlab.cli;

import dev.gradlab.core.population.Perturbation;
import dev.gradlab.optim.EvolutionStrategies;
import dev.gradlab.optim.GeneticAlgorithm;
import dev.gradlab.optim.LrSchedule;
import picocli.CommandLine.Option;

/**
 * The settings of the methods that evaluate perturbed copies of the network: evolution strategies,
 * directional finite differences and the genetic algorithm. A setting left out is null here and
 * takes the method's default ({@link Method}).
 */
final class PopulationOptions {

    @Option(
            names = "--sigma",
            paramLabel = "S",
            description = "es: standard deviation of the perturbations (default " + EvolutionStrategies.DEFAULT_SIGMA
                    + "); fd: the step (default 0.001);" + " ga: of the mutations (default "
                    + GeneticAlgorithm.DEFAULT_SIGMA + "); pgpe and snes: the initial sigma of every parameter.")
    Float sigma;

    @Option(
            names = "--sigma-schedule",
            paramLabel = "SPEC",
            defaultValue = "none",
            description = "es: sigma per epoch, with the schedules of --lr-schedule (default: ${DEFAULT-VALUE});"
                    + " cosine:T:MIN anneals it to MIN over T epochs.")
    String sigmaSchedule;

    @Option(
            names = "--population",
            paramLabel = "N",
            description =
                    "es: perturbations per step (pairs with --antithetic); fd: random directions per step (default: 100);"
                            + " ga: individuals per generation, elites included (default: "
                            + GeneticAlgorithm.DEFAULT_POPULATION + "); pgpe (even) and snes: members per generation.")
    Integer population;

    @Option(
            names = "--parents",
            paramLabel = "T",
            description = "ga: the fittest T of a generation breed the next (default: "
                    + GeneticAlgorithm.DEFAULT_PARENTS + ").")
    Integer parents;

    @Option(
            names = "--elites",
            paramLabel = "E",
            description = "ga: the fittest E pass on unchanged; the best of them on the held-out images is the champion"
                    + " (default: " + GeneticAlgorithm.DEFAULT_ELITES + ").")
    Integer elites;

    @Option(
            names = "--holdout",
            paramLabel = "N",
            description = "ga: the last N training images are held out to choose the champion among the elites, 0 for"
                    + " none (default: " + Method.GaDefaults.HOLDOUT + ").")
    Integer holdout;

    @Option(
            names = "--antithetic",
            negatable = true,
            description =
                    "es: mirrored pairs w±v (default: on; --no-antithetic with --no-rank-shaping is the reference experiment's vanilla estimator).")
    Boolean antithetic;

    @Option(
            names = "--rank-shaping",
            negatable = true,
            description = "es: replace losses by centered ranks (default: on).")
    Boolean rankShaping;

    @Option(
            names = "--baseline",
            negatable = true,
            description = "es: subtract the mean loss of the population (default: off).")
    Boolean baseline;

    @Option(
            names = "--perturbation",
            paramLabel = "KIND",
            description = "es and ga: full (Gaussian noise on every weight) or lowrank (A·Bᵀ/√r per weight matrix,"
                    + " EGGROLL) (default: lowrank).")
    PerturbationChoice perturbation;

    @Option(
            names = "--rank",
            paramLabel = "R",
            description = "es and ga with --perturbation lowrank: the rank r (default: 1).")
    Integer rank;

    float sigma(Method method) {
        return sigma != null ? sigma : method.sigma;
    }

    int population(Method method) {
        return population != null ? population : method.population;
    }

    int parents() {
        return parents != null ? parents : GeneticAlgorithm.DEFAULT_PARENTS;
    }

    int elites() {
        return elites != null ? elites : GeneticAlgorithm.DEFAULT_ELITES;
    }

    /** The training images held out of {@code trainSize}, fewer than all. */
    int holdout(int trainSize) {
        int held = holdout != null ? holdout : Method.GaDefaults.HOLDOUT;
        if (held < 0 || held >= trainSize) {
            throw Usage.error("Invalid value for option '--holdout': must be in [0, " + trainSize
                    + "), fewer than the training images, got " + held);
        }
        return held;
    }

    boolean antithetic() {
        return antithetic == null || antithetic;
    }

    boolean rankShaping() {
        return rankShaping == null || rankShaping;
    }

    boolean baseline() {
        return baseline != null && baseline;
    }

    /** {@code --perturbation} of rank {@code --rank}, or the methods' default. */
    Perturbation perturbation() {
        PerturbationChoice choice = perturbation != null ? perturbation : Method.PERTURBATION;
        if (rank != null && choice != PerturbationChoice.LOWRANK) {
            throw Usage.error("option '--rank' applies only to --perturbation lowrank");
        }
        return choice.of(rank != null ? rank : Method.RANK);
    }

    /** {@code --sigma-schedule} over {@code epochs}; null for none. */
    LrSchedule sigmaSchedule(int epochs) {
        return describeSigmaSchedule().equals("none")
                ? null
                : Usage.as("sigmaSchedule", () -> LrSchedule.parse(sigmaSchedule, epochs));
    }

    String describeSigmaSchedule() {
        return OptimizerOptions.spec(sigmaSchedule);
    }
}

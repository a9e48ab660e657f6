package dev.gradlab.optim.search;

import dev.gradlab.core.InvalidSettingException;
import java.util.List;

/**
 * The strategies by name, with the settings {@code gradlab minimize} uses for functions whose optimum
 * lies in BBOB's box {@code [−5, 5]^D}: the search starts at 0 with a spread a fifth of the box
 * (σ 2; 1 for PGPE, 0.5 for OpenAI-ES, whose σ does not adapt), and the centers of OpenAI-ES and PGPE move by
 * up to 0.5 per generation.
 */
public final class SearchStrategies {

    /** The names {@link #forBox} takes. */
    public static final List<String> NAMES = List.of("es", "pgpe", "snes", "cmaes");

    private SearchStrategies() {}

    /**
     * {@code es}: OpenAI-ES, σ 0.5, Adam lr 0.5, its default population; {@code pgpe}: σ 1, ClipUp lr
     * 0.5, max speed 1, momentum 0.9, population as OpenAI-ES's, its other defaults; {@code snes}: σ 2
     * and its defaults; {@code cmaes}: σ₀ 2, its defaults (IPOP on).
     */
    public static SearchStrategy forBox(String name, int dim, long seed) {
        float[] x0 = new float[dim];
        return switch (name) {
            case "es" ->
                OpenAiEs.builder(x0)
                        .sigma(0.5f)
                        .optimizer(CenterOptimizer.adam(0.5f))
                        .seed(seed)
                        .build();
            case "pgpe" ->
                Pgpe.builder(x0)
                        .sigma(1f)
                        .population(OpenAiEs.defaultPopulation(dim))
                        .optimizer(CenterOptimizer.clipUp(0.5f, 1f, 0.9f))
                        .seed(seed)
                        .build();
            case "snes" -> Snes.builder(x0).sigma(2f).seed(seed).build();
            case "cmaes" -> CmaEs.builder(x0).sigma(2f).seed(seed).build();
            default ->
                throw new InvalidSettingException("strategy", "must be one of " + NAMES + ", got '" + name + "'");
        };
    }
}

package dev.gradlab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.core.InvalidSettingException;
import dev.gradlab.core.nn.Linear;
import dev.gradlab.core.nn.Sequential;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.optim.search.NonFiniteFitnessException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GeneticSearchTest {

    private static final Genome START =
            new Genome(seed -> new Sequential(new Linear(2, 1, false, seed)), 0.1f, Perturbation.fullRank(), 5);

    @Test
    void askHandsOutTheElitesThenChildrenOfTheParentsBySeed() {
        GeneticSearch ga = new GeneticSearch(START, 6, 3, 2, 9);
        GeneticSearch.Members g = ga.ask();
        assertSame(g, ga.ask());
        // Generation 0 has one parent, so one elite and P − E = 4 children of it.
        assertEquals(1, g.elites());
        assertEquals(5, g.size());
        assertEquals(START, g.genome(0));
        for (int c = 0; c < g.children(); c++) {
            assertEquals(0, g.parentOf(c));
            assertEquals(START.mutate(g.seed(c)), g.genome(1 + c));
        }
        // The seeds are a function of (seed, generation, child) alone.
        assertEquals(g.seed(3), new GeneticSearch(START, 6, 3, 2, 9).ask().seed(3));
        assertTrue(g.seed(3) != new GeneticSearch(START, 6, 3, 2, 10).ask().seed(3));
    }

    @Test
    void tellKeepsTheFittestWithFailuresWorstAndCounted() {
        GeneticSearch ga = new GeneticSearch(START, 6, 3, 2, 9);
        GeneticSearch.Members g = ga.ask();
        float[] fitness = {2f, Float.NEGATIVE_INFINITY, 1f, Float.NaN, 2f};
        int[] selected = ga.tell(g, fitness);
        // Ties go to the lower index; -inf is a failure, ranked after every finite value.
        assertArrayEquals(new int[] {2, 0, 4}, selected);
        assertEquals(2, ga.nonFiniteEvaluations());
        assertEquals(Arrays.asList(g.genome(2), g.genome(0), g.genome(4)), ga.parents());
        GeneticSearch.Members next = ga.ask();
        assertEquals(2, next.elites());
        assertEquals(ga.parents().get(1), next.genome(1));
        assertEquals(1, next.index());
        var stale = assertThrows(IllegalStateException.class, () -> ga.tell(g, fitness));
        assertTrue(stale.getMessage().contains("generation 1 is not the current one (2)"), stale.getMessage());
    }

    @Test
    void aGenerationWhoseMembersAllFailIsAnError() {
        GeneticSearch ga = new GeneticSearch(START, 4, 2, 1, 0);
        GeneticSearch.Members g = ga.ask();
        float[] fitness = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        var e = assertThrows(NonFiniteFitnessException.class, () -> ga.tell(g, fitness));
        assertEquals(0, e.generation());
    }

    @Test
    void refusesSettingsThatCannotSelect() {
        var e = assertThrows(InvalidSettingException.class, () -> new GeneticSearch(START, 5, 6, 2, 0));
        assertTrue(e.getMessage().contains("E = 2, T = 6, P = 5"), e.getMessage());
    }
}

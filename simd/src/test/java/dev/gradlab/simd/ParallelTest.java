package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void runsEveryIndexOnce() {
        for (int tasks : new int[] {0, 1, 2, 3, 17}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(tasks, 1));
            Parallel.forEach(tasks, seen::incrementAndGet);
            for (int i = 0; i < tasks; i++) {
                assertEquals(1, seen.get(i), "index " + i + " of " + tasks);
            }
        }
    }

    @Test
    void nestedCallsRunAndFinish() {
        AtomicIntegerArray seen = new AtomicIntegerArray(4 * 5);
        Parallel.forEach(4, i -> Parallel.forEach(5, j -> seen.incrementAndGet(i * 5 + j)));
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "index " + i);
        }
    }

    @Test
    void rethrowsATaskFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing : new int[] {0, 1, 2}) {
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> Parallel.forEach(3, i -> {
                        if (i == failing) {
                            throw boom;
                        }
                    }));
            assertSame(boom, e, "failing task " + failing);
        }
    }

    @Test
    void rejectsACountOutsideOneToTheMaximum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(0));
        assertEquals("threads must be in [1, 256], got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(Parallel.MAX_THREADS + 1));
        assertEquals("threads must be in [1, 256], got 257", e.getMessage());
    }

    @Test
    void aThreadScopeChangesTheSplitAndRestoresItWhenClosed() {
        int before = Parallel.threads();
        try (var three = Parallel.withThreads(3)) {
            assertEquals(3, Parallel.threads());
            assertEquals(3, three.threads());
            AtomicIntegerArray seen = new AtomicIntegerArray(8);
            Parallel.forEach(8, seen::incrementAndGet);
            for (int i = 0; i < 8; i++) {
                assertEquals(1, seen.get(i));
            }
            try (var one = Parallel.withThreads(1)) {
                assertEquals(1, Parallel.threads());
            }
            assertEquals(3, Parallel.threads());
        }
        assertEquals(before, Parallel.threads());
    }

    @Test
    void theThreadsPropertyIsParsedStrictly() {
        assertEquals(3, Parallel.threadsProperty(" 3 "));
        assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.threadsProperty(null));
        assertEquals(
                "system property gradlab.threads must be an integer >= 1, got 'abc'",
                assertThrows(IllegalArgumentException.class, () -> Parallel.threadsProperty("abc"))
                        .getMessage());
    }

    @Test
    void scopesClosedOutOfOrderAreRejected() {
        int before = Parallel.threads();
        var outer = Parallel.withThreads(before + 1);
        var inner = Parallel.withThreads(before + 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("reverse order"), e.getMessage());
        inner.close();
        outer.close();
        outer.close(); // closing twice is harmless
        assertEquals(before, Parallel.threads());
    }
}

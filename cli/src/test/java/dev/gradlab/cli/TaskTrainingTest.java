package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.simd.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TaskTrainingTest {

    @Test
    void pgpeOnCartPoleEndsWithTheMeanReturnOverFreshEpisodes() {
        StringWriter text = new StringWriter();
        try (var t = Parallel.withThreads(2)) {
            assertEquals(0, new TaskTraining("cartpole", "pgpe", 0, 200).run(new PrintWriter(text)));
        }
        String[] lines = text.toString().strip().split("\\R");
        assertTrue(lines[0].startsWith("cartpole by pgpe: 450 parameters, population 64"), lines[0]);
        assertTrue(lines[1].startsWith("generation 1  evaluations 64  mean return "), lines[1]);
        Matcher m = Pattern.compile("mean return over 100 fresh episodes: (\\d+\\.\\d)").matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), lines[lines.length - 1]);
        assertTrue(Double.parseDouble(m.group(1)) >= 475, lines[lines.length - 1]);
    }

    @Test
    void unknownTaskOrMethodNamesItsOption() {
        var task = assertThrows(IllegalArgumentException.class,
                () -> new TaskTraining("acrobot", "es", 0, 1).run(new PrintWriter(new StringWriter())));
        assertEquals("Invalid value for option '--task': must be one of [cartpole, swingup], got 'acrobot'",
                task.getMessage());
        var method = assertThrows(IllegalArgumentException.class,
                () -> new TaskTraining("cartpole", "ga", 0, 1).run(new PrintWriter(new StringWriter())));
        assertEquals("Invalid value for option '--method': must be one of [es, pgpe, snes], got 'ga'",
                method.getMessage());
    }
}

package dev.gradlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradlab.simd.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskTrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"pgpe", "ga"})
    void cartPoleEndsWithTheMeanReturnOverFreshEpisodes(String method) {
        StringWriter text = new StringWriter();
        try (var t = Parallel.withThreads(2)) {
            assertEquals(0, new TaskTraining("cartpole", method, 0, 200).run(new PrintWriter(text)));
        }
        String[] lines = text.toString().strip().split("\\R");
        assertTrue(lines[0].startsWith("cartpole by " + method + ": 450 parameters, population 64"), lines[0]);
        assertTrue(lines[1].startsWith("generation 1  evaluations 64  mean return "), lines[1]);
        Matcher m = Pattern.compile("mean return over 100 fresh episodes: (\\d+\\.\\d)")
                .matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), lines[lines.length - 1]);
        assertTrue(Double.parseDouble(m.group(1)) >= 475, lines[lines.length - 1]);
    }

    @Test
    void unknownTaskOrMethodIsAUsageErrorNamingItsOption() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(
                Main.USAGE,
                Main.run(new PrintWriter(out), new PrintWriter(err), "train", "--task", "acrobot", "--method", "es"));
        assertTrue(
                err.toString()
                        .contains(
                                "Invalid value for option '--task': must be one of [cartpole, swingup], got 'acrobot'"),
                err.toString());
        err.getBuffer().setLength(0);
        assertEquals(
                Main.USAGE,
                Main.run(new PrintWriter(out), new PrintWriter(err), "train", "--task", "cartpole", "--method", "fd"));
        assertTrue(
                err.toString()
                        .contains("Invalid value for option '--method': must be one of [es, pgpe, snes, ga], got 'fd'"),
                err.toString());
    }
}

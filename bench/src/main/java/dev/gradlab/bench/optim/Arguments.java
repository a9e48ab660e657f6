package dev.gradlab.bench.optim;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value} arguments of the comparison mains. */
final class Arguments {

    private Arguments() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            a.put(kv[0], kv[1]);
        }
        return a;
    }
}

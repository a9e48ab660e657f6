package dev.gradlab.cli;

import dev.gradlab.simd.Parallel;
import dev.gradlab.simd.Simd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gradlab info}: the JDK, whether the Vector API path is active, the SIMD width and the threads. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Show the JDK, the SIMD implementation in use, the vector width and the threads.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        out.printf(
                "java      %s (%s, %s)%n",
                Runtime.version(), System.getProperty("java.vm.name"), System.getProperty("java.home"));
        out.printf("chosen by %s%n", Main.jdkChoice());
        out.printf(
                "os        %s %s, %d processors%n",
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        out.printf("vector    %s%n", Simd.vectorized() ? "yes (Vector API kernels active)" : "no (scalar kernels)");
        out.printf("kernels   %s%n", Simd.describe());
        out.printf(
                "species   %s%n",
                module
                        ? Species.describe()
                        : "unknown: jdk.incubator.vector is not readable (run with --add-modules jdk.incubator.vector)");
        out.printf("threads   %d%n", Parallel.threads());
        if (module) {
            // The JVM prints it on stderr for every command and offers no switch to turn it off.
            out.printf("note      jdk.incubator.vector is an incubator module: the JVM's start-up line"
                    + " 'WARNING: Using incubator modules' on stderr is expected%n");
        }
        out.flush();
        return 0;
    }

    /** Touches the Vector API only when its module is readable, so that {@code info} runs either way. */
    private static final class Species {
        static String describe() {
            var species = FloatVector.SPECIES_PREFERRED;
            return species.vectorBitSize() + " bits, " + species.length() + " floats (FloatVector.SPECIES_PREFERRED)";
        }
    }
}

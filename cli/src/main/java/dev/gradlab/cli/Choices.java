package dev.gradlab.cli;

import dev.gradlab.core.model.Activation;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses an enum option by its lower-case name (its {@code toString()}), ignoring case. */
final class Choices<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {

    private final Class<E> type;

    private Choices(Class<E> type) {
        this.type = type;
    }

    /** Registers a converter for each enum type the commands use, and float32's for float options. */
    static void register(CommandLine cli) {
        cli.registerConverter(Float.class, new Float32());
        cli.registerConverter(float.class, new Float32());
        cli.registerConverter(Activation.class, new Choices<>(Activation.class));
        cli.registerConverter(GradientStatsCommand.Part.class, new Choices<>(GradientStatsCommand.Part.class));
        cli.registerConverter(Method.class, new Choices<>(Method.class));
        cli.registerConverter(OptimizerChoice.class, new Choices<>(OptimizerChoice.class));
        cli.registerConverter(PerturbationChoice.class, new Choices<>(PerturbationChoice.class));
    }

    @Override
    public E convert(String value) {
        for (E e : type.getEnumConstants()) {
            if (e.toString().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        throw new TypeConversionException("expected one of " + String.join(", ", this) + ", got '" + value + "'");
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(type.getEnumConstants())
                .map(e -> e.toString().toLowerCase(Locale.ROOT))
                .collect(Collectors.toList())
                .iterator();
    }
}

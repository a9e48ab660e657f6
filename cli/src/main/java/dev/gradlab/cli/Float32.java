package dev.gradlab.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a float option, refusing a number that float32 cannot hold: one that would round to 0
 * ({@code --lr 1e-46}) or to infinity ({@code --sigma 1e39}) is not the value the user gave.
 */
final class Float32 implements ITypeConverter<Float> {

    @Override
    public Float convert(String value) {
        return parse(value);
    }

    static float parse(String value) {
        double exact;
        try {
            exact = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
        float f = (float) exact;
        if (f == 0 && exact != 0) {
            throw new TypeConversionException(
                    "'" + value + "' rounds to 0 in float32, whose smallest positive value is " + Float.MIN_VALUE);
        }
        if (Float.isInfinite(f) && !value.contains("Infinity")) {
            throw new TypeConversionException("'" + value + "' is beyond float range (+-" + Float.MAX_VALUE + ")");
        }
        return f;
    }
}

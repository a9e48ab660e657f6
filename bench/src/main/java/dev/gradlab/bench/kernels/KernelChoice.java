package dev.gradlab.bench.kernels;

import dev.gradlab.simd.Kernels;
import dev.gradlab.simd.Simd;

/** The two implementations the kernel benchmarks compare, by the name of their JMH parameter. */
final class KernelChoice {

    private KernelChoice() {}

    static Kernels of(String name) {
        return switch (name) {
            case "scalar" -> Simd.scalar().kernels();
            case "vector" -> Simd.vector().kernels();
            default -> throw new IllegalArgumentException("impl: expected scalar or vector, got " + name);
        };
    }
}

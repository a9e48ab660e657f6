/**
 * The examples as a named module: on the module path {@code requires dev.gradlab.optim} resolves
 * gradlab's modules and, through {@code dev.gradlab.simd}, the Vector API, with no JVM flag.
 */
module com.example.gradlab {
    requires dev.gradlab.optim;
    requires dev.gradlab.data;
    // JMH only compiles the benchmark; nothing needs it at run time on the module path.
    requires static jmh.core;

    exports com.example.gradlab;
}

/**
 * Tensors, reverse-mode autograd on a tape, the {@link dev.gradlab.core.Function} API for a user's
 * own ops, modules, losses, model files, population evaluation and gradient checking.
 */
module dev.gradlab.core {
    // A user's Function calls the kernels (Simd.kernels()) directly, so simd is part of core's API.
    requires transitive dev.gradlab.simd;

    exports dev.gradlab.core;
    exports dev.gradlab.core.model;
    exports dev.gradlab.core.nn;
    exports dev.gradlab.core.ops;
    exports dev.gradlab.core.population;
    // Internal: atomic writing and strict bounded reading of files, for the gradlab modules only. cli
    // runs on the class path (its shaded jar drops the descriptors), where every package is readable.
    exports dev.gradlab.core.io to
            dev.gradlab.data,
            dev.gradlab.optim;
}

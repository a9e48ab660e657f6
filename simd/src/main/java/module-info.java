/**
 * gradlab's float32 kernels: GEMM, activations, softmax, reductions and Gaussian noise, each with a
 * scalar twin. Requiring {@code jdk.incubator.vector} here means that on the module path the Vector
 * API is resolved without {@code --add-modules}; on the class path {@link dev.gradlab.simd.Simd}
 * probes for it and falls back to the scalar kernels with one warning.
 */
module dev.gradlab.simd {
    requires jdk.incubator.vector;

    exports dev.gradlab.simd;
}

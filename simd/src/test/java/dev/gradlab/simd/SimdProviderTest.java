package dev.gradlab.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class SimdProviderTest {

    @Test
    void providerNamesWhatItChose() {
        assertNotNull(Simd.kernels());
        assertNotNull(Simd.gemm());
        assertEquals(Simd.vectorized(), Simd.describe().startsWith("vector"), Simd.describe());
    }
}

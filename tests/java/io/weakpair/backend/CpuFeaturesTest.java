package io.weakpair.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weakpair.nativ.CpuKernels;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CPUID-based feature detection against the kernel's /proc/cpuinfo, and the BF16 verdict for each kind of CPU. */
class CpuFeaturesTest {

    @Test
    void cpuidAgreesWithProcCpuinfo() {
        Set<String> flags = CpuFeatures.cpuinfoFlags();
        CpuFeatures cpuid = CpuFeatures.detect();
        assumeTrue(flags != null && cpuid.known(), "needs Linux on x86-64");
        // The kernel lists a feature only when it also enabled its register state, which is what CPUID+XGETBV check.
        assertEquals(CpuFeatures.fromCpuinfoFlags(flags), cpuid, "flags: " + flags);
    }

    @Test
    void bitsDecode() {
        CpuFeatures zen3 = CpuFeatures.fromBits(CpuKernels.WP_CPU_AVX2 | CpuKernels.WP_CPU_FMA);
        assertTrue(zen3.avx2() && zen3.fma());
        assertFalse(zen3.avx512f() || zen3.avx512Bf16() || zen3.amxBf16());
        CpuFeatures zen4 = CpuFeatures.fromBits(CpuKernels.WP_CPU_AVX2
                | CpuKernels.WP_CPU_FMA
                | CpuKernels.WP_CPU_AVX512F
                | CpuKernels.WP_CPU_AVX512_BF16);
        assertTrue(zen4.avx512f() && zen4.avx512Bf16() && !zen4.amxBf16());
        assertFalse(
                CpuFeatures.fromBits(CpuKernels.WP_CPU_UNKNOWN | CpuKernels.WP_CPU_AVX2)
                        .known(),
                "unknown overrides");
    }

    @Test
    void theBf16VerdictFollowsTheFeatures() {
        String none = CpuFeatures.fromCpuinfoFlags(Set.of("avx2", "fma")).bf16Line();
        assertTrue(none.contains("no AVX512-BF16 or AMX-BF16") && none.contains("cannot compute faster"), none);
        String avx512 = CpuFeatures.fromCpuinfoFlags(Set.of("avx2", "fma", "avx512f", "avx512_bf16"))
                .bf16Line();
        assertTrue(avx512.contains("vdpbf16ps") && avx512.contains("not implemented yet"), avx512);
        String amx = CpuFeatures.fromCpuinfoFlags(Set.of("avx512f", "avx512_bf16", "amx_bf16"))
                .bf16Line();
        assertTrue(amx.contains("AMX-BF16"), amx);
        assertEquals(
                "avx2 yes, fma yes, avx512f no, avx512_bf16 no, amx_bf16 no",
                CpuFeatures.fromCpuinfoFlags(Set.of("avx2", "fma")).flagsLine());
    }
}

package io.weakpair.backend;

import io.weakpair.nativ.CpuKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host CPU's vector features that matter for F32 and BF16 arithmetic, as CPUID and the
 * operating system report them (native/src/cpu_features.cpp), and what BF16 can give here.
 * BF16 halves the bytes of stored tensors everywhere, but it computes faster only where the
 * CPU multiplies BF16 pairs natively (AVX512-BF16 {@code vdpbf16ps}, AMX tiles); elsewhere a
 * BF16 product is widened to F32 first and runs at F32 speed at best.
 */
public record CpuFeatures(
        boolean known, boolean avx2, boolean fma, boolean avx512f, boolean avx512Bf16, boolean amxBf16) {

    /** The features of this machine (by CPUID in native code). */
    public static CpuFeatures detect() {
        return fromBits(CpuKernels.wp_cpu_features());
    }

    /** Decodes the bits of wp/cpu_features.h. */
    public static CpuFeatures fromBits(int bits) {
        if ((bits & CpuKernels.WP_CPU_UNKNOWN) != 0) return new CpuFeatures(false, false, false, false, false, false);
        return new CpuFeatures(
                true,
                (bits & CpuKernels.WP_CPU_AVX2) != 0,
                (bits & CpuKernels.WP_CPU_FMA) != 0,
                (bits & CpuKernels.WP_CPU_AVX512F) != 0,
                (bits & CpuKernels.WP_CPU_AVX512_BF16) != 0,
                (bits & CpuKernels.WP_CPU_AMX_BF16) != 0);
    }

    /** The same features as the Linux kernel lists them in /proc/cpuinfo's flags line (a cross-check). */
    public static CpuFeatures fromCpuinfoFlags(Set<String> flags) {
        return new CpuFeatures(
                true,
                flags.contains("avx2"),
                flags.contains("fma"),
                flags.contains("avx512f"),
                flags.contains("avx512_bf16"),
                flags.contains("amx_bf16"));
    }

    /** The flags of the first processor in /proc/cpuinfo, or null where there is no such file. */
    public static Set<String> cpuinfoFlags() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) return null;
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (!line.startsWith("flags")) continue;
                int colon = line.indexOf(':');
                if (colon >= 0) return Set.of(line.substring(colon + 1).trim().split("\\s+"));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** "avx2 yes, fma yes, avx512f no, avx512_bf16 no, amx_bf16 no". */
    public String flagsLine() {
        if (!known) return "unknown (not an x86-64 CPU, or CPUID unavailable)";
        List<String> parts = new ArrayList<>();
        parts.add("avx2 " + yes(avx2));
        parts.add("fma " + yes(fma));
        parts.add("avx512f " + yes(avx512f));
        parts.add("avx512_bf16 " + yes(avx512Bf16));
        parts.add("amx_bf16 " + yes(amxBf16));
        return String.join(", ", parts);
    }

    /** What BF16 gives on this CPU, in one line. */
    public String bf16Line() {
        String engine =
                "the engine stores and converts BF16 (checkpoints, Tensor.toDType; docs/precision.md) but computes in F32";
        if (!known) return engine + "; this CPU's features are unknown";
        if (amxBf16)
            return engine
                    + "; this CPU has AMX-BF16 tiles and AVX512-BF16: a BF16 GEMM could run several times the F32 rate"
                    + " (not implemented yet)";
        if (avx512Bf16)
            return engine
                    + "; this CPU has AVX512-BF16 (vdpbf16ps, two BF16 products per F32 lane): a BF16 GEMM could run up to"
                    + " about 2x the AVX-512 F32 rate (not implemented yet)";
        return engine
                + "; this CPU has no AVX512-BF16 or AMX-BF16, so BF16 cannot compute faster here: a BF16 product is"
                + " widened to F32 first. BF16 only halves memory and checkpoint size";
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}

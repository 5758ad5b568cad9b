package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.backend.CpuBackend;
import io.weakpair.backend.CpuFeatures;
import io.weakpair.tensor.Device;
import picocli.CommandLine.Command;

/** Prints what this build can run on. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description =
                "Show the backends this build can use (CPU threads and vector features, what BF16 gives here, CUDA"
                        + " availability and why not).")
final class InfoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("java:  " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.println("cpu:   " + Backends.cpu().describe());
        CpuFeatures features = CpuFeatures.detect();
        System.out.println("cpu features: " + features.flagsLine() + " (CPUID)" + cpuinfoAgreement(features));
        System.out.println("bf16:  " + features.bf16Line());
        String reason = Backends.cudaUnavailableReason();
        if (reason != null) {
            System.out.println("cuda:  unavailable: " + reason);
        } else {
            try {
                System.out.println("cuda:  " + Backends.get(Device.cuda(0)).describe());
            } catch (RuntimeException e) {
                System.out.println("cuda:  unavailable: " + e.getMessage());
            }
        }
        System.out.println("threads: " + CpuBackend.threads() + " (WEAKPAIR_THREADS sets them; default: all "
                + Words.count(Runtime.getRuntime().availableProcessors(), "core") + ")");
        String wait = System.getenv("OMP_WAIT_POLICY");
        System.out.println(
                "openmp wait: "
                        + (wait != null && !wait.isBlank()
                                ? wait
                                : "not set: threads spin between parallel regions, which is slow on a busy machine (./weakpair sets OMP_WAIT_POLICY=PASSIVE)"));
    }

    /** Whether /proc/cpuinfo's flags say the same as CPUID (they differ where the kernel disabled a feature). */
    private static String cpuinfoAgreement(CpuFeatures cpuid) {
        java.util.Set<String> flags = CpuFeatures.cpuinfoFlags();
        if (flags == null || !cpuid.known()) return "";
        CpuFeatures listed = CpuFeatures.fromCpuinfoFlags(flags);
        return listed.equals(cpuid) ? "; /proc/cpuinfo agrees" : "; /proc/cpuinfo lists " + listed.flagsLine();
    }
}

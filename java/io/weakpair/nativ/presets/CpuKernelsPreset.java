package io.weakpair.nativ.presets;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The recipe JavaCPP follows at build time (the javacpp-parser execution in pom.xml) to write
 * {@code io.weakpair.nativ.CpuKernels}: every {@code wp_*} function of the headers listed here
 * becomes a static native method of that class. A new kernel family adds its header to this
 * list; its functions need no hand-written binding.
 */
@Properties(
        target = "io.weakpair.nativ.CpuKernels",
        value =
                @Platform(
                        include = {
                            "wp/common.h",
                            "wp/runtime.h",
                            "wp/cpu_features.h",
                            "wp/elementwise.h",
                            "wp/gemm.h",
                            "wp/softmax.h",
                            "wp/layernorm.h",
                            "wp/cross_entropy.h",
                            "wp/embedding.h",
                            "wp/dropout.h",
                            "wp/patchify.h",
                            "wp/attention.h",
                            "wp/adamw.h",
                            "wp/l2norm.h",
                            "wp/similarity.h",
                            "wp/uncertainty.h",
                            "wp/contrastive.h",
                            "wp/mining.h"
                        },
                        link = "weakpair_cpu"))
public class CpuKernelsPreset implements InfoMapper {
    // libweakpair_cpu.so links libopenblas.so.0: the OpenBLAS preset loads that library first, so the
    // dynamic linker finds it already in the process. This runs before CpuKernels loads its own glue
    // (a superclass is initialised before its subclass).
    static {
        Loader.load(openblas_nolapack.class);
    }

    @Override
    public void map(InfoMap infoMap) {
        KernelTypeMapping.map(infoMap);
        infoMap.put(new Info("wp_memcpy").javaText(KernelTypeMapping.arrayCopies("wp_memcpy", "")));
    }
}

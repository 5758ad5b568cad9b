package io.weakpair.nativ.presets;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * The recipe JavaCPP follows at build time to write {@code io.weakpair.nativ.cuda.CudaKernels}
 * from the {@code wpc_*} headers of cuda/include (pointers are device addresses as {@code long},
 * a {@code cudaStream_t} is a {@code long} handle). Loading that class loads only
 * libweakpair_cuda.so, which carries the CUDA runtime inside it, so it needs nothing but the
 * driver; CPU-only work never touches it.
 */
@Properties(
        target = "io.weakpair.nativ.cuda.CudaKernels",
        value =
                @Platform(
                        include = {
                            "wpc/common.h",
                            "wpc/runtime.h",
                            "wpc/elementwise.h",
                            "wpc/gemm.h",
                            "wpc/softmax.h",
                            "wpc/layernorm.h",
                            "wpc/cross_entropy.h",
                            "wpc/embedding.h",
                            "wpc/dropout.h",
                            "wpc/patchify.h",
                            "wpc/attention.h",
                            "wpc/adamw.h",
                            "wpc/l2norm.h",
                            "wpc/similarity.h",
                            "wpc/uncertainty.h",
                            "wpc/contrastive.h",
                            "wpc/mining.h"
                        },
                        link = "weakpair_cuda"))
public class CudaKernelsPreset implements InfoMapper {
    @Override
    public void map(InfoMap infoMap) {
        KernelTypeMapping.map(infoMap);
        // wpc/common.h repeats the runtime's own typedef so the glue compiles without the CUDA headers.
        infoMap.put(new Info("CUstream_st").skip());
        infoMap.put(new Info("cudaStream_t").cast().valueTypes("long").pointerTypes("long"));
        infoMap.put(new Info("wpc_memcpy")
                .javaText(KernelTypeMapping.arrayCopies("wpc_memcpy", ", @Cast(\"cudaStream_t\") long stream")));
    }
}

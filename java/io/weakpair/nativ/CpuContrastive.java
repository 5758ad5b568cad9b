package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/contrastive.h: the uITC loss, materialised and fused. */
@Platform(include = "wp/contrastive.h", link = "weakpair_cpu")
public final class CpuContrastive {
    static { NativeLoader.load(CpuContrastive.class); }

    private CpuContrastive() {}

    public static native void wp_contrastive_logits(int dtype, long nRows, long nCols,
            @Cast("const void*") long logits, @Cast("const int64_t*") long rowLabels,
            @Cast("const int64_t*") long colLabels, double alpha, @Cast("const void*") long confI2t,
            @Cast("const void*") long confT2i, @Cast("void*") long losses, @Cast("void*") long gradLogits);

    public static native void wp_contrastive_fused(int dtype, long nRows, long nCols, long dim,
            @Cast("const void*") long featRows, @Cast("const void*") long featCols, double tau,
            @Cast("const int64_t*") long rowLabels, @Cast("const int64_t*") long colLabels, double alpha,
            @Cast("const void*") long confI2t, @Cast("const void*") long confT2i, int keepLogits, long blockRows,
            @Cast("void*") long losses, @Cast("void*") long gradRows, @Cast("void*") long gradCols,
            @Cast("void*") long gradTau);

    public static native long wp_contrastive_auto_block_rows(int dtype, long nRows, long nCols, long dim);
}

package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/uncertainty.h: confidence of positive pairs (no gradient). */
@Platform(include = "wp/uncertainty.h", link = "weakpair_cpu")
public final class CpuUncertainty {
    static { NativeLoader.load(CpuUncertainty.class); }

    private CpuUncertainty() {}

    public static native void wp_uncertainty_confidence(int dtype, long nRows, long nCols,
            @Cast("const void*") long logits, @Cast("const int64_t*") long rowLabels,
            @Cast("const int64_t*") long colLabels, @Cast("void*") long confI2t, @Cast("void*") long confT2i);
}

package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/similarity.h: fused L2 normalisation, similarity and temperature. */
@Platform(include = "wp/similarity.h", link = "weakpair_cpu")
public final class CpuSimilarity {
    static { NativeLoader.load(CpuSimilarity.class); }

    private CpuSimilarity() {}

    public static native void wp_similarity_forward(int dtype, long nRows, long nCols, long dim,
            @Cast("const void*") long featRows, @Cast("const void*") long featCols, double tau,
            @Cast("void*") long unitRows, @Cast("void*") long unitCols, @Cast("void*") long normRows,
            @Cast("void*") long normCols, @Cast("void*") long logits);

    public static native void wp_similarity_backward(int dtype, long nRows, long nCols, long dim,
            @Cast("const void*") long unitRows, @Cast("const void*") long unitCols,
            @Cast("const void*") long normRows, @Cast("const void*") long normCols, double tau,
            @Cast("const void*") long logits, @Cast("const void*") long gradLogits,
            @Cast("void*") long gradRows, @Cast("void*") long gradCols, @Cast("void*") long gradTau);
}

package io.weakpair.tensor;

/** Element types. {@link #code()} is the number the native kernels switch on (wp/common.h). */
public enum DType {
    F32(0, 4, true),
    F64(1, 8, true),
    I32(2, 4, false),
    I64(3, 8, false);

    private final int code;
    private final int byteSize;
    private final boolean floating;

    DType(int code, int byteSize, boolean floating) {
        this.code = code;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int code() { return code; }

    public int byteSize() { return byteSize; }

    public boolean isFloating() { return floating; }
}

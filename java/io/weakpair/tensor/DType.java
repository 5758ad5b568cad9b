package io.weakpair.tensor;

/**
 * Element types. {@link #code()} is the number the native kernels switch on (wp/common.h).
 *
 * <p>{@link #BF16} (bfloat16: the upper 16 bits of a float32, 8 mantissa bits) is a storage
 * type: tensors of it can be created, filled, copied, viewed, converted to and from F32 and F64
 * ({@link Tensor#toDType}: exact widening, round-to-nearest-even narrowing) and written to
 * checkpoints, but no compute kernel takes it and it cannot require a gradient; an op given
 * one refuses with a message naming the op and the dtype (docs/precision.md).
 */
public enum DType {
    F32(0, 4, true, false),
    F64(1, 8, true, false),
    I32(2, 4, false, false),
    I64(3, 8, false, false),
    BF16(4, 2, true, true);

    private final int code;
    private final int byteSize;
    private final boolean floating;
    private final boolean storageOnly;

    DType(int code, int byteSize, boolean floating, boolean storageOnly) {
        this.code = code;
        this.byteSize = byteSize;
        this.floating = floating;
        this.storageOnly = storageOnly;
    }

    public int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }

    /** A floating-point type (F32, F64 and the storage type BF16). */
    public boolean isFloating() {
        return floating;
    }

    /** Stored, converted and copied, but not computed in: no op or autograd takes it (BF16). */
    public boolean isStorageOnly() {
        return storageOnly;
    }

    /** A floating type the kernels compute in (F32, F64): what ops and gradients need. */
    public boolean isComputeFloating() {
        return floating && !storageOnly;
    }
}

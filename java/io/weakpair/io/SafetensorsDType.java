package io.weakpair.io;

import io.weakpair.tensor.DType;
import java.util.Set;

/**
 * The element types this engine reads from safetensors files, with their byte sizes and the
 * tensor dtype each is read as. F16 and BF16 are widened to F32 on reading (exactly: every
 * value of either is a float32), so a BF16 checkpoint loads into an F32 model as it is; BF16
 * is written from {@link DType#BF16} tensors, or from floating tensors converted on writing
 * ({@link Safetensors#write(java.nio.file.Path, java.util.Map, java.util.Map, DType)}).
 */
public enum SafetensorsDType {
    F32(4, DType.F32),
    F64(8, DType.F64),
    I32(4, DType.I32),
    I64(8, DType.I64),
    F16(2, DType.F32),
    BF16(2, DType.F32);

    /** Valid safetensors dtype names that this engine has no use for: named in the error. */
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "BOOL", "U8", "I8", "U16", "I16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
            "C64");

    private final int itemSize;
    private final DType readAs;

    SafetensorsDType(int itemSize, DType readAs) {
        this.itemSize = itemSize;
        this.readAs = readAs;
    }

    public int itemSize() {
        return itemSize;
    }

    /** The tensor dtype this file dtype becomes when read. */
    public DType readAs() {
        return readAs;
    }

    /** True when reading converts the values (F16, BF16 to F32). */
    public boolean widens() {
        return this == F16 || this == BF16;
    }

    /** The file dtype a tensor of {@code dtype} is written as (stored exactly, no conversion; BF16 as BF16). */
    public static SafetensorsDType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> I32;
            case I64 -> I64;
            case BF16 -> BF16;
        };
    }

    /** The dtype with this header name, or null when the engine cannot read it. */
    static SafetensorsDType parse(String name) {
        for (SafetensorsDType d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    static boolean isKnownUnsupported(String name) {
        return KNOWN_UNSUPPORTED.contains(name);
    }
}
